//! What the export buttons download and what opening a script from disk accepts.

/// The largest script the page opens from disk, in bytes: the share link's limit times
/// four, far beyond any hand-written scenario, well short of what would stall the page.
pub const MAX_OPENED_SCRIPT: usize = 2 * 1024 * 1024;

/// The largest trace file the page opens, in bytes: a 10,000-statement run's JSON is
/// about 30 MB; the page holds the text, the trace and the second module's copy of both.
pub const MAX_OPENED_TRACE: usize = 64 * 1024 * 1024;

/// Whether a trace file of `size` bytes may be opened (checked before it is read).
pub fn check_opened_trace_size(name: &str, size: f64) -> Result<(), String> {
    if size > MAX_OPENED_TRACE as f64 {
        return Err(format!(
            "{name} is {} MB; the playground opens traces up to {} MB (`mapioffline check` reads any size)",
            (size / (1024.0 * 1024.0)).ceil() as u64,
            MAX_OPENED_TRACE / (1024 * 1024)
        ));
    }
    Ok(())
}

/// A download's file name: the lesson's name if a lesson is loaded, else `scenario`,
/// with `ext` (`scn`, `json`, `mmd`, `md`, `cpp`).
pub fn file_name(lesson: Option<&str>, ext: &str) -> String {
    let stem: String = lesson
        .unwrap_or("scenario")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = if stem.trim_matches('-').is_empty() {
        "scenario"
    } else {
        stem.as_str()
    };
    format!("{stem}.{ext}")
}

/// Whether a file of `size` bytes may be opened (checked before it is read).
pub fn check_opened_size(name: &str, size: f64) -> Result<(), String> {
    if size > MAX_OPENED_SCRIPT as f64 {
        return Err(format!(
            "{name} is {} KB; the playground opens scripts up to {} KB",
            (size / 1024.0).ceil() as u64,
            MAX_OPENED_SCRIPT / 1024
        ));
    }
    Ok(())
}

/// A script read from disk as the editor holds it: without a byte-order mark, with `\n`
/// line ends (a file saved on Windows has `\r\n`); `Err` for what is not a text file.
pub fn opened_script(name: &str, text: &str) -> Result<String, String> {
    check_opened_size(name, text.len() as f64)?;
    if text.contains('\0') {
        return Err(format!("{name} is not a text file (it holds NUL bytes)"));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text.replace("\r\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_lesson_and_are_safe() {
        assert_eq!(file_name(None, "scn"), "scenario.scn");
        assert_eq!(file_name(Some("sample-add-in"), "cpp"), "sample-add-in.cpp");
        assert_eq!(file_name(Some("a/../b c"), "md"), "a----b-c.md");
        assert_eq!(file_name(Some("//"), "json"), "scenario.json");
    }

    #[test]
    fn opened_scripts_lose_bom_and_crlf_and_big_or_binary_files_are_refused() {
        assert_eq!(
            opened_script("a.scn", "\u{feff}profile \"P\"\r\nrun\r\n").unwrap(),
            "profile \"P\"\nrun\n"
        );
        let err = opened_script("b.bin", "ab\0cd").unwrap_err();
        assert!(err.contains("b.bin is not a text file"), "{err}");
        let err = check_opened_size("big.scn", 3.0 * 1024.0 * 1024.0).unwrap_err();
        assert_eq!(
            err,
            "big.scn is 3072 KB; the playground opens scripts up to 2048 KB"
        );
        assert!(check_opened_size("ok.scn", 10.0).is_ok());
    }
}
