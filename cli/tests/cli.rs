//! The command line, exercised as a user would: each `tests/cmd/*.md` file is a terminal
//! session (commands, their output and exit status) that is also documentation;
//! `*.toml` cases feed standard input. Update after a deliberate change with
//! `TRYCMD=overwrite cargo test -p mapioffline-cli --test cli`, then read the diff.

#[test]
fn cli_sessions() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.md")
        .case("tests/cmd/*.toml");
}
