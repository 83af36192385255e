//! Literature references of the micromagnetic problems and presets, written to
//! `references.bib` beside every `spinspice mag` run.

/// One BibTeX entry.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    /// Citation key.
    pub key: &'static str,
    /// The complete BibTeX entry.
    pub bibtex: &'static str,
}

/// Every reference the micromagnetic problems use.
pub const ALL: &[Reference] = &[
    Reference {
        key: "mumax3",
        bibtex: "@article{mumax3,\n  author = {Vansteenkiste, Arne and Leliaert, Jonathan and Dvornik, Mykola and Helsen, Mathias and Garcia-Sanchez, Felipe and Van Waeyenberge, Bartel},\n  title = {The design and verification of {MuMax3}},\n  journal = {AIP Advances}, volume = {4}, pages = {107133}, year = {2014},\n  doi = {10.1063/1.4899186}\n}",
    },
    Reference {
        key: "mumag_sp4",
        bibtex: "@misc{mumag_sp4,\n  author = {{muMAG}},\n  title = {{muMAG} Standard Problem \\#4},\n  howpublished = {\\url{https://www.ctcms.nist.gov/~rdm/mumag.org.html}},\n  year = {2000}\n}",
    },
    Reference {
        key: "cortes2018",
        bibtex: "@article{cortes2018,\n  author = {Cort{\\'e}s-Ortu{\\~n}o, David and Beg, Marijan and Nehruji, Vanessa and Breth, Leoni and Pepper, Ryan and Kluyver, Thomas and Downing, Gary and Hesjedal, Thorsten and Hatton, Peter and Lancaster, Tom and Hertel, Riccardo and Hovorka, Ondrej and Fangohr, Hans},\n  title = {Proposal for a micromagnetic standard problem for materials with {Dzyaloshinskii-Moriya} interaction},\n  journal = {New Journal of Physics}, volume = {20}, pages = {113015}, year = {2018},\n  doi = {10.1088/1367-2630/aaea1c}\n}",
    },
    Reference {
        key: "thiaville2012",
        bibtex: "@article{thiaville2012,\n  author = {Thiaville, Andr{\\'e} and Rohart, Stanislas and Ju{\\'e}, {\\'E}milie and Cros, Vincent and Fert, Albert},\n  title = {Dynamics of {Dzyaloshinskii} domain walls in ultrathin magnetic films},\n  journal = {EPL}, volume = {100}, pages = {57002}, year = {2012},\n  doi = {10.1209/0295-5075/100/57002}\n}",
    },
    Reference {
        key: "rohart2013",
        bibtex: "@article{rohart2013,\n  author = {Rohart, S. and Thiaville, A.},\n  title = {Skyrmion confinement in ultrathin film nanostructures in the presence of {Dzyaloshinskii-Moriya} interaction},\n  journal = {Phys. Rev. B}, volume = {88}, pages = {184422}, year = {2013},\n  doi = {10.1103/PhysRevB.88.184422}\n}",
    },
    Reference {
        key: "liu2012",
        bibtex: "@article{liu2012,\n  author = {Liu, Luqiao and Pai, Chi-Feng and Li, Y. and Tseng, H. W. and Ralph, D. C. and Buhrman, R. A.},\n  title = {Spin-torque switching with the giant spin {Hall} effect of tantalum},\n  journal = {Science}, volume = {336}, pages = {555--558}, year = {2012},\n  doi = {10.1126/science.1218197}\n}",
    },
    Reference {
        key: "brigner2019",
        bibtex: "@article{brigner2019,\n  author = {Brigner, Wesley H. and Hu, Xuan and Hassan, Naimul and Bennett, Christopher H. and Incorvia, Jean Anne C. and Garcia-Sanchez, Felipe and Friedman, Joseph S.},\n  title = {Graded-anisotropy-induced magnetic domain wall drift for an artificial spintronic leaky integrate-and-fire neuron},\n  journal = {IEEE J. Explor. Solid-State Comput. Devices Circuits}, volume = {5}, pages = {19--24}, year = {2019}\n}",
    },
];

/// The BibTeX text of the entries named in `keys` (unknown keys are skipped), or of all
/// entries when `keys` is empty.
pub fn bibtex(keys: &[&str]) -> String {
    let mut out = String::new();
    for r in ALL {
        if keys.is_empty() || keys.contains(&r.key) {
            out.push_str(r.bibtex);
            out.push_str("\n\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_are_well_formed() {
        for r in super::ALL {
            assert!(
                r.bibtex.starts_with(&format!("@article{{{},", r.key))
                    || r.bibtex.starts_with(&format!("@misc{{{},", r.key)),
                "{}",
                r.key
            );
            assert_eq!(
                r.bibtex.matches('{').count(),
                r.bibtex.matches('}').count(),
                "{}",
                r.key
            );
        }
        let b = super::bibtex(&["cortes2018"]);
        assert!(b.contains("113015") && !b.contains("MuMax3"));
    }
}
