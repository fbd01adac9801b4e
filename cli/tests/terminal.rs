//! The REPL on a real terminal (a tmux pane): lines typed ahead or pasted without
//! bracketed paste all run, and a bracketed paste runs line by line with errors drawn at
//! their own line. Needs `tmux`, so a plain `cargo test` leaves these out and counts
//! them as ignored; `cargo xtask test` installs tmux and runs them, and without tmux they
//! fail saying so.

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own (its own socket), so no user session is touched.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, command: &str) -> Tmux {
        let socket = format!("mapioffline-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["-L", &socket, "new-session", "-d", "-x", "250", "-y", "80"])
            .arg(command)
            .status()
            .expect("tmux starts");
        assert!(status.success(), "tmux new-session failed ({status})");
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-200"])
    }

    /// Waits until the screen shows `text` `times` times (or 20 s pass); returns it.
    fn wait_for(&self, text: &str, times: usize) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.matches(text).count() >= times || start.elapsed() > Duration::from_secs(20) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

const NEEDS_TMUX: &str =
    "tmux is not installed: `cargo xtask test` installs it, or run `apt-get install tmux`";

fn repl_in_tmux(name: &str) -> Tmux {
    assert!(
        Command::new("tmux").arg("-V").output().is_ok(),
        "{NEEDS_TMUX}"
    );
    let history =
        std::env::temp_dir().join(format!("mapioffline-history-{name}-{}", std::process::id()));
    let command = format!(
        "env NO_COLOR=1 MAPIOFFLINE_HISTORY={} {} repl; sleep 30",
        history.display(),
        env!("CARGO_BIN_EXE_mapioffline")
    );
    let t = Tmux::start(name, &command);
    t.wait_for("mapioffline> ", 1);
    t
}

#[test]
#[ignore = "needs tmux: `cargo xtask test` installs it and runs this (or `cargo test -- --ignored`)"]
fn typeahead_and_a_plain_paste_lose_no_line() {
    let t = repl_in_tmux("typeahead");
    // One send-keys: every key arrives in one burst, as a fast typist's or a terminal's
    // paste without bracketed-paste mode.
    t.tmux(&[
        "send-keys",
        "profile \"P\"",
        "Enter",
        "sink s",
        "Enter",
        "HrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)",
        "Enter",
        ":state",
        "Enter",
    ]);
    let screen = t.wait_for("names: m = 0x00A00000, s = 0x00C00000", 1);
    assert!(
        screen.contains("names: m = 0x00A00000, s = 0x00C00000"),
        "{screen}"
    );
    assert!(
        screen.contains("client object \"s\" at 0x00C00000"),
        "{screen}"
    );
}

#[test]
#[ignore = "needs tmux: `cargo xtask test` installs it and runs this (or `cargo test -- --ignored`)"]
fn a_bracketed_paste_runs_line_by_line_and_points_at_the_bad_line() {
    let t = repl_in_tmux("paste");
    t.tmux(&[
        "set-buffer",
        "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->Bogus()\nsink s\n",
    ]);
    // -p: bracketed, since rustyline asked the terminal for bracketed paste.
    t.tmux(&["paste-buffer", "-p"]);
    t.tmux(&["send-keys", "Enter"]);
    t.tmux(&["send-keys", ":state", "Enter"]);
    let screen = t.wait_for("names: m = 0x00A00000", 1);
    // The third pasted line is line 3 of the session.
    assert!(screen.contains("[repl:3:4]"), "{screen}");
    assert!(
        screen.contains("names: m = 0x00A00000, s = 0x00C00000"),
        "{screen}"
    );
}
