//! "Did you mean": the known name closest to a misspelt one.

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The option nearest to `wanted`, if one is near enough to be a misspelling.
pub fn closest<'a>(wanted: &str, options: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    options
        .map(|o| (distance(wanted, o), o))
        .filter(|(d, o)| *d <= (wanted.len().max(o.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}
