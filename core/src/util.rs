//! Small helpers shared by the simulator and its front-ends.

/// Edit distance between two strings, by characters (case-insensitive).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = (len / 3).max(2);
    candidates
        .into_iter()
        // The distance is at least the difference in length: a huge word costs nothing.
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Longest piece of the input an error message quotes, in characters.
pub const MAX_QUOTE: usize = 60;

/// `text` in backticks, cut to [`MAX_QUOTE`] characters with its length said when longer:
/// a megabyte of garbage is named, not echoed.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTE) {
        None => format!("`{text}`"),
        Some((cut, _)) => format!("`{}…` ({} characters)", &text[..cut], text.chars().count()),
    }
}

/// `text` with every run of more than [`MAX_QUOTE`] non-blank characters cut short and
/// marked `…`: what a message may quote of the input, whatever quoted it.
pub fn shorten(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * MAX_QUOTE));
    let mut run = 0;
    for c in text.chars() {
        if c.is_whitespace() {
            run = 0;
        } else {
            run += 1;
            if run == MAX_QUOTE + 1 {
                out.push('…');
            }
            if run > MAX_QUOTE {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("Outlook", "outlook"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn nearest_suggests_only_plausible_typos() {
        let names = ["Outlook", "Work", "Archive"];
        assert_eq!(nearest("Outlok", names), Some("Outlook"));
        assert_eq!(nearest("Wrok", names), Some("Work"));
        assert_eq!(nearest("Something else", names), None);
    }
}
