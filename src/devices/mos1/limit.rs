//! MOSFET Newton step limiting (SPICE3's `DEVfetlim` and `DEVlimvds`).

/// Limit the change of a gate-source (or gate-drain) voltage around the threshold `vto`,
/// so that one Newton step cannot jump a transistor across regions by more than a few volts.
pub fn fetlim(vnew: f64, vold: f64, vto: f64) -> f64 {
    let vtsthi = (2.0 * (vold - vto)).abs() + 2.0;
    let vtstlo = (vold - vto).abs() + 1.0;
    let vtox = vto + 3.5;
    let delv = vnew - vold;
    if vold >= vto {
        if vold >= vtox {
            if delv <= 0.0 {
                // Going off.
                if vnew >= vtox {
                    if -delv > vtstlo {
                        return vold - vtstlo;
                    }
                    vnew
                } else {
                    vnew.max(vto + 2.0)
                }
            } else if delv >= vtsthi {
                // Staying on.
                vold + vtsthi
            } else {
                vnew
            }
        } else if delv <= 0.0 {
            // Middle region, decreasing.
            vnew.max(vto - 0.5)
        } else {
            // Middle region, increasing.
            vnew.min(vto + 4.0)
        }
    } else if delv <= 0.0 {
        // Off and going further off.
        if -delv > vtsthi {
            vold - vtsthi
        } else {
            vnew
        }
    } else {
        let vtemp = vto + 0.5;
        if vnew <= vtemp {
            if delv > vtstlo {
                vold + vtstlo
            } else {
                vnew
            }
        } else {
            vtemp
        }
    }
}

/// Limit the change of a drain-source voltage.
pub fn limvds(vnew: f64, vold: f64) -> f64 {
    if vold >= 3.5 {
        if vnew > vold {
            vnew.min(3.0 * vold + 2.0)
        } else if vnew < 3.5 {
            vnew.max(2.0)
        } else {
            vnew
        }
    } else if vnew > vold {
        vnew.min(4.0)
    } else {
        vnew.max(-0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetlim_regions() {
        // Off (vold 0 < vto 0.5), big increase: clipped at vto + 0.5.
        assert_eq!(fetlim(5.0, 0.0, 0.5), 1.0);
        // Off, small increase below vto + 0.5: limited by |vold - vto| + 1 = 1.5.
        assert_eq!(fetlim(0.9, 0.0, 0.5), 0.9);
        // Middle region increasing: at most vto + 4.
        assert_eq!(fetlim(10.0, 1.0, 0.5), 4.5);
        // Far on, big increase: vold + |2 (vold - vto)| + 2 = 5 + 11 = 16.
        assert_eq!(fetlim(40.0, 5.0, 0.5), 16.0);
        // Far on, dropping below vto + 3.5: held at vto + 2.
        assert_eq!(fetlim(0.0, 5.0, 0.5), 2.5);
    }

    #[test]
    fn limvds_regions() {
        assert_eq!(limvds(10.0, 1.0), 4.0);
        assert_eq!(limvds(-3.0, 1.0), -0.5);
        assert_eq!(limvds(30.0, 5.0), 17.0);
        assert_eq!(limvds(0.0, 5.0), 2.0);
    }
}
