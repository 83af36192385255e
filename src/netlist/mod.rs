//! Netlist text → AST: source map (.include/.lib), logical lines, nom parser, expressions.
//! (under construction)

pub mod expr;
