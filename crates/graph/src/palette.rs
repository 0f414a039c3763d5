//! Colours: one per node type, and a second palette by community.

use crate::NodeKind;

pub type Rgb = (u8, u8, u8);

pub fn kind_color(kind: NodeKind) -> Rgb {
    match kind {
        NodeKind::Query => (228, 26, 28),
        NodeKind::Website => (55, 126, 184),
        NodeKind::Noun => (77, 175, 74),
        NodeKind::Entity => (255, 127, 0),
        NodeKind::Keyword => (152, 78, 163),
    }
}

/// Twenty distinguishable colours (Tableau 20 order); communities beyond them are grey.
const COMMUNITY: [Rgb; 20] = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
    (174, 199, 232),
    (255, 187, 120),
    (152, 223, 138),
    (255, 152, 150),
    (197, 176, 213),
    (196, 156, 148),
    (247, 182, 210),
    (199, 199, 199),
    (219, 219, 141),
    (158, 218, 229),
];

pub fn community_color(community: Option<u32>) -> Rgb {
    match community {
        Some(c) if (c as usize) < COMMUNITY.len() => COMMUNITY[c as usize],
        _ => (170, 170, 170),
    }
}

pub fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}
