//! Colours of ordered classes: ColorBrewer RdYlBu (colour-blind safe), low values
//! in warm colours because low coverage is what the schémas look for.

/// ColorBrewer RdYlBu, 3 to 7 classes (Cynthia Brewer, Apache-2.0 licence).
const RD_YL_BU: [&[&str]; 5] = [
    &["#fc8d59", "#ffffbf", "#91bfdb"],
    &["#d7191c", "#fdae61", "#abd9e9", "#2c7bb6"],
    &["#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6"],
    &[
        "#d73027", "#fc8d59", "#fee090", "#e0f3f8", "#91bfdb", "#4575b4",
    ],
    &[
        "#d73027", "#fc8d59", "#fee090", "#ffffbf", "#e0f3f8", "#91bfdb", "#4575b4",
    ],
];

/// The colours of `n` ordered classes, lowest first; `None` beyond 7 classes
/// (more cannot be told apart on a map).
pub fn diverging(n: usize) -> Option<Vec<String>> {
    let set: Vec<&str> = match n {
        1 => vec!["#91bfdb"],
        2 => vec!["#fc8d59", "#91bfdb"],
        3..=7 => RD_YL_BU[n - 3].to_vec(),
        _ => return None,
    };
    Some(set.into_iter().map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        for n in 1..=7 {
            assert_eq!(diverging(n).unwrap().len(), n);
        }
        assert!(diverging(8).is_none());
    }
}
