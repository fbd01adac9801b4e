//! C++ code generation: the client code a learner would write to make the trace's calls.
//!
//! The output is one translation unit:
//!
//! 1. `#include`s: the Windows and MAPI headers (`<windows.h>`, `<mapix.h>`,
//!    `<mapiutil.h>`) and the Offline State API headers of Microsoft's sample add-in; or,
//!    when `MAPIOFFLINE_SIM` is defined, the simulator's own header
//!    (`ffi/include/mapioffline.h`), so that the code compiles on Linux and runs against
//!    the C library (`-fshort-wchar` makes its `L"..."` strings UTF-16, as on Windows).
//! 2. The client's interface pointers and advise tokens, at file scope so that `Notify`
//!    can use them as well as the client's function.
//! 3. A class per client object of the trace (`CMyOfflineNotify`, or `C` + the object's
//!    name): `QueryInterface`/`AddRef`/`Release`, and, for a notify sink, a `Notify` that
//!    checks NTF-5 (NotifyType is one of the three STATECHANGE values and
//!    `ulMask == MAPIOFFLINE_STATE_OFFLINE_MASK`) before it reads the old and new states,
//!    then performs the reactions the object declares (`Unadvise` of its own registration,
//!    `SetCurrentState`…). A sink created as not validating reads `Info.StateChange`
//!    without checking, as it does in the simulator.
//! 4. `HRESULT RunClient()`: every call the client made at top level, in order, with its raw
//!    arguments, wrong ones included (`adviseInfo.ulSize = 24;`, a `NULL` out pointer,
//!    `((IMAPIOfflineMgr*)0x00001234)->…`). A `//` comment after each call gives the result
//!    the simulator returned and the diagnostics it raised (`// E_INVALIDARG; error[ADV-4,
//!    R2], note[ADV-9]`); indented comments below it show what happened inside the call
//!    (Outlook's calls into client objects, notifications, calls made from inside `Notify`,
//!    diagnostics). Environment events, time and Outlook's asynchronous phases become
//!    comments (`// (Outlook) the network goes down`).
//!
//! Variables are named after what they hold: `pMgr`, `pMgr2`… for each manager
//! (`HrOpenOfflineObj`, `HrCreateOfflineObj`, `QueryInterface(IID_IMAPIOfflineMgr)`),
//! `pOffline`… for `QueryInterface(IID_IMAPIOffline)`, `pUnk`, `pNotify`, `pv` for the other
//! interfaces, `pSink_<name>` for client objects, `ulAdviseToken`, `ulAdviseToken2`… for
//! tokens. The same object reached through the same interface keeps its variable. A call
//! goes through the variable that holds the pointer, preferring one that still holds a
//! reference and has the right interface; a pointer no variable holds is written as a cast
//! literal.

use super::describe::{diag_tag, Describer};
use crate::consts::{self, Arch, ConstGroup, Guid, HResult};
use crate::trace::walk::{self, Walker};
use crate::trace::{Action, Arg, GuidPtr, OutArg, Reaction, ReactionCall};
use crate::trace::{
    AdviseInfo, Call, Caller, ClientObjectInfo, CreateInfo, EnvEvent, Event, EventKind, Func, Out,
    OutValue, Ptr, Trace,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;

// One file per concern: names (identifiers, escaping, constant expressions), vars (the
// client's variables), statements (a top-level call), args (the structures it fills),
// sinks (the client's classes); this file walks the trace and assembles the program.
mod args;
mod names;
mod sinks;
mod statements;
mod vars;

use names::*;

/// Renders the C++ client code equivalent to the trace's client calls.
pub fn render(trace: &Trace) -> String {
    render_with_lines(trace).text
}

/// The C++ of [`render`], and where in it each event of the trace is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// For each event, the 0-based line of `text` that writes it: a top-level call's first
    /// statement (a structure's fill comes before the call), the comment of anything
    /// else; a return, the line of its call; an event that writes nothing (a reference
    /// count), the line written last before it.
    pub event_lines: Vec<usize>,
}

/// [`render`] with each event's line, for a view that shows the code beside the trace and
/// scrolls to the selected event.
pub fn render_with_lines(trace: &Trace) -> Rendered {
    let mut g = Gen::new(trace);
    g.walk();
    g.finish()
}

/// The static type of a pointer variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Unknown,
    Offline,
    Mgr,
    Notify,
    Void,
    /// A client object's own class (index into `Gen::sinks`).
    Sink(usize),
}

/// A pointer variable: its name, type, the address it holds now (NULL until a call wrote
/// one) and how many references the client holds through it.
struct PVar {
    name: String,
    ty: Ty,
    value: Ptr,
    refs: u32,
    /// When it last received a reference (a larger number is more recent).
    stamp: u64,
}

/// An advise-token variable.
struct TVar {
    name: String,
    value: Option<u32>,
    active: bool,
    /// Written by a sink's `Advise` reaction rather than by the client's function.
    from_notify: bool,
}

/// A client object and its class.
struct SinkClass {
    info: ClientObjectInfo,
    class: String,
    var: usize,
    /// Token variables of the `Advise` reactions, by reaction index.
    reaction_tokens: BTreeMap<usize, usize>,
}

/// Locals of `RunClient`.
#[derive(Default)]
struct Locals {
    capabilities: bool,
    state: bool,
    advise_info: bool,
    create_info: bool,
    aggregate_info: bool,
}

/// A top-level call whose line is waiting for its result.
struct Open {
    line: usize,
    func: Func,
    /// The variable the out-parameter names (for the result comment).
    out_name: Option<String>,
    tags: Vec<String>,
}

struct Gen<'a> {
    trace: &'a Trace,
    rets: Vec<Option<usize>>,
    d: Describer,
    nest: Walker,
    sinks: Vec<SinkClass>,
    pvars: Vec<PVar>,
    tvars: Vec<TVar>,
    /// Registrations made for each client object: (token variable, ulClientToken).
    registrations: BTreeMap<Ptr, Vec<(usize, u32)>>,
    counters: BTreeMap<String, u32>,
    guids: BTreeMap<Guid, String>,
    stamp: u64,
    locals: Locals,
    slot_typedef: bool,
    body: Vec<String>,
    open: Option<Open>,
    /// The first call each client object's `Notify` made, by function: the values its
    /// reactions' names had when they fired.
    fired: BTreeMap<(usize, u8), Call>,
    /// Each event's line in `body` (see [`Rendered::event_lines`]).
    at: Vec<usize>,
}

impl<'a> Gen<'a> {
    fn new(trace: &'a Trace) -> Gen<'a> {
        let mut g = Gen {
            trace,
            rets: walk::returns(&trace.events),
            d: Describer::default(),
            nest: Walker::default(),
            sinks: Vec::new(),
            pvars: Vec::new(),
            tvars: Vec::new(),
            registrations: BTreeMap::new(),
            counters: BTreeMap::new(),
            guids: BTreeMap::new(),
            stamp: 0,
            locals: Locals::default(),
            slot_typedef: false,
            body: Vec::new(),
            open: None,
            fired: BTreeMap::new(),
            at: Vec::with_capacity(trace.events.len()),
        };
        // Client objects first: their classes and variables exist before any call.
        let mut classes: Vec<String> = Vec::new();
        for e in &trace.events {
            if let EventKind::ClientObjectCreated(c) = &e.kind {
                let idx = g.sinks.len();
                let class = unique(&class_name(&c.name), &classes);
                classes.push(class.clone());
                let var = g.fresh_pvar(&format!("pSink_{}", ident(&c.name)), Ty::Sink(idx));
                g.pvars[var].value = c.object;
                g.pvars[var].refs = 1;
                let mut reaction_tokens = BTreeMap::new();
                // Reactions run only in Notify, which only a notify sink has.
                let reactions = if c.implements_notify {
                    &c.reactions[..]
                } else {
                    &[]
                };
                for (k, r) in reactions.iter().enumerate() {
                    if is_advise(&r.action) {
                        let t = g.fresh_tvar("ulNotifyAdviseToken", true);
                        reaction_tokens.insert(k, t);
                    }
                    match &r.action {
                        Action::Call(ReactionCall::QueryInterface {
                            riid: GuidPtr::To(iid),
                            ..
                        }) => {
                            g.guid_name(*iid);
                        }
                        Action::Call(ReactionCall::Slot { .. }) => g.slot_typedef = true,
                        _ => {}
                    }
                }
                g.sinks.push(SinkClass {
                    info: (**c).clone(),
                    class,
                    var,
                    reaction_tokens,
                });
            }
        }
        g
    }

    // ------------------------------------------------------------------ the walk

    fn walk(&mut self) {
        let events = &self.trace.events;
        for (i, e) in events.iter().enumerate() {
            // The frame a call opens is not a `Notify`, so the sink in `nested` is the same
            // whether the step has pushed it or not.
            self.nest.step(e);
            let before = self.body.len();
            let call_line = match e.kind {
                EventKind::Return { .. } if e.depth == 0 => self.open.as_ref().map(|o| o.line),
                _ => None,
            };
            if e.depth == 0 {
                self.top(i, e);
            } else {
                self.nested(i, e);
            }
            let at = match call_line {
                Some(l) => l,
                None if self.body.len() > before => before,
                None => before.saturating_sub(1),
            };
            self.at.push(at);
        }
    }

    fn line(&mut self, s: String) {
        self.body.push(format!("    {s}"));
    }

    fn comment(&mut self, indent: usize, text: &str) {
        for l in text.lines() {
            let l = format!("{}{}", "  ".repeat(indent), l);
            self.body.push(format!("    // {}", comment_text(&l)));
        }
    }

    /// An event at top level: a statement for a client call or a client object, a comment
    /// for everything else.
    fn top(&mut self, i: usize, e: &Event) {
        match &e.kind {
            EventKind::Call {
                by: Caller::Client,
                call,
            } => {
                self.d.learn(&e.kind);
                self.statement(i, call);
            }
            EventKind::Return { hr, out, .. } => {
                self.d.learn(&e.kind);
                self.close(*hr, out);
            }
            EventKind::ClientObjectCreated(c) => {
                self.d.learn(&e.kind);
                let s = self.sink_index(c.object).expect("collected in new()");
                let var = self.pvars[self.sinks[s].var].name.clone();
                let class = self.sinks[s].class.clone();
                let what = if c.implements_notify {
                    "a notify sink"
                } else {
                    "a client object"
                };
                self.line(format!(
                    "{var} = new {class}(); // {what} at {}, reference count 1",
                    c.object
                ));
            }
            EventKind::Env { env } => {
                let text = match env {
                    EnvEvent::NetworkDown => "(Outlook) the network goes down".to_string(),
                    EnvEvent::NetworkUp => "(Outlook) the network comes back".to_string(),
                    EnvEvent::ServerDown { profile } => {
                        format!("(Outlook) the server of \"{profile}\" goes down")
                    }
                    EnvEvent::ServerUp { profile } => {
                        format!("(Outlook) the server of \"{profile}\" comes back")
                    }
                    _ => format!("(fault injection) {}", self.d.env(env).plain()),
                };
                self.d.learn(&e.kind);
                self.comment(0, &text);
            }
            EventKind::Advance { from, to } => {
                let text = format!(
                    "(time) {} tick(s) pass: t={from} → t={to}",
                    to.saturating_sub(*from)
                );
                self.comment(0, &text);
            }
            EventKind::RunUntilIdle { from } => {
                let text = format!("(time) Outlook runs every scheduled phase, from t={from}");
                self.comment(0, &text);
            }
            EventKind::RefCount { .. } => {}
            EventKind::Notify { .. } => {
                let text = self.d.describe(&e.kind).plain();
                let text = text.strip_prefix("Outlook → ").unwrap_or(&text);
                let text = format!("(Outlook, t={}) calls {text}", e.tick);
                self.comment(0, &text);
            }
            EventKind::Diagnostic(diag) => {
                let text = format!("{}: {}", diag_tag(diag), diag.message);
                self.comment(0, &text);
            }
            EventKind::Call { .. } => {
                let text = self.d.describe(&e.kind).plain();
                self.comment(0, &text);
            }
            _ => {
                let text = self.d.describe(&e.kind).plain();
                let text = format!("(Outlook, t={}) {text}", e.tick);
                self.comment(0, &text);
            }
        }
    }

    /// An event inside a top-level call or inside `Notify`: a comment line; diagnostics of
    /// the top-level call are also cited on its line; calls made from inside `Notify`
    /// update the client's variables.
    fn nested(&mut self, i: usize, e: &Event) {
        if let EventKind::RefCount { .. } = e.kind {
            return;
        }
        let mut text = self.d.describe(&e.kind).plain();
        if let EventKind::Diagnostic(diag) = &e.kind {
            let tag = diag_tag(diag);
            text = format!("{tag}: {}", diag.message);
            if let (1, Some(o)) = (e.depth, &mut self.open) {
                if !o.tags.contains(&tag) {
                    o.tags.push(tag);
                }
            }
        }
        self.comment(e.depth as usize, &text);
        if let EventKind::Call {
            by: Caller::Client,
            call,
        } = &e.kind
        {
            self.in_notify_call(i, call);
        }
    }

    /// The result of the call at event `i`: (HRESULT, out-value).
    fn result_of(&self, i: usize) -> (Option<HResult>, Option<OutValue>) {
        match self.rets[i].map(|r| &self.trace.events[r].kind) {
            Some(EventKind::Return { hr, out, .. }) => (*hr, *out),
            _ => (None, None),
        }
    }

    /// What a call made from inside `Notify` does to the client's variables.
    fn in_notify_call(&mut self, i: usize, call: &Call) {
        if let Some(s) = self.nest.notify_sink().and_then(|p| self.sink_index(p)) {
            self.fired
                .entry((s, call.func() as u8))
                .or_insert_with(|| call.clone());
        }
        let (hr, out) = self.result_of(i);
        match call {
            Call::Release { this } => {
                if let Some((v, _)) = self.var_for(*this, Ty::Unknown) {
                    self.pvars[v].refs = self.pvars[v].refs.saturating_sub(1);
                }
            }
            Call::Unadvise {
                ul_advise_token, ..
            } => {
                if let Some(t) = self.tvar_holding(*ul_advise_token) {
                    self.tvars[t].active = false;
                }
            }
            Call::Advise {
                this,
                p_advise_info: Some(info),
                ..
            } => {
                let Some(s) = self.nest.notify_sink().and_then(|p| self.sink_index(p)) else {
                    return;
                };
                let reactions = &self.sinks[s].info.reactions;
                let k = reactions
                    .iter()
                    .position(|r| {
                        matches!(r.action, Action::Advise { mgr, sink, client_token }
                            if mgr == *this && sink == info.p_callback
                                && client_token == info.ul_client_token)
                    })
                    .or_else(|| reactions.iter().position(|r| is_advise(&r.action)));
                let Some(&t) = k.and_then(|k| self.sinks[s].reaction_tokens.get(&k)) else {
                    return;
                };
                if let (Some(HResult::S_OK), Some(OutValue::Ulong(token))) = (hr, out) {
                    self.tvars[t].value = Some(token);
                    self.tvars[t].active = true;
                    self.registrations
                        .entry(info.p_callback)
                        .or_default()
                        .push((t, info.ul_client_token));
                }
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------ client objects

    fn finish(mut self) -> Rendered {
        let classes: Vec<String> = (0..self.sinks.len()).map(|s| self.class_def(s)).collect();
        let notifies: Vec<String> = (0..self.sinks.len())
            .filter(|&s| self.sinks[s].info.implements_notify)
            .map(|s| self.notify_def(s))
            .collect();
        let arch = self.arch();

        let mut o = String::new();
        let _ = write!(
            o,
            concat!(
                "// The client calls of a mapioffline trace as C++: every call the client made, in\n",
                "// order, with its raw arguments and, in a comment, the result the simulator gave.\n",
                "// Client ABI: {} (sizeof(MAPIOFFLINE_ADVISEINFO) is {}).\n",
                "//\n",
                "// Build it inside an Outlook add-in or MAPI provider with the Outlook MAPI headers,\n",
                "// or on Linux against the simulator's C library, with -fshort-wchar so that L\"...\"\n",
                "// is UTF-16 as on Windows:\n",
                "//     g++ -std=c++11 -fshort-wchar -DMAPIOFFLINE_SIM -I ffi/include -c client.cpp\n",
                "\n",
                "#ifdef MAPIOFFLINE_SIM\n",
                "#include \"mapioffline.h\"\n",
                "#else\n",
                "#include <windows.h>\n",
                "#include <mapix.h>\n",
                "#include <mapiutil.h>\n",
                "// The Offline State API as the Sample Offline State Add-in declares it:\n",
                "// ConnectionState.h (types, interfaces, constants, GUIDs) and ImportProcs.h\n",
                "// (pfnHrOpenOfflineObj, found with GetProcAddress in msmapi32.dll under the name\n",
                "// \"HrOpenOfflineObj@20\", OPEN-1).\n",
                "#include \"ConnectionState.h\"\n",
                "#include \"ImportProcs.h\"\n",
                "#define HrOpenOfflineObj (*pfnHrOpenOfflineObj)\n",
                "#endif\n"
            ),
            arch_name(arch),
            arch.sizeof_adviseinfo()
        );
        if !self.guids.is_empty() {
            o.push_str("\n// GUIDs of this trace that the API does not name.\n");
            for (g, n) in &self.guids {
                let d = &g.data4;
                let _ = writeln!(
                    o,
                    "static const GUID {n} = {{0x{:08X}, 0x{:04X}, 0x{:04X}, {{0x{:02X}, 0x{:02X}, 0x{:02X}, 0x{:02X}, 0x{:02X}, 0x{:02X}, 0x{:02X}, 0x{:02X}}}}};",
                    g.data1, g.data2, g.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
                );
            }
        }
        if self.slot_typedef {
            o.push_str(concat!(
                "\n// A vtable slot called by its index, as the trace calls placeholders (OFF-2, OFF-3).\n",
                "typedef HRESULT(STDMETHODCALLTYPE* PFNVTABLESLOT)(void* pThis);\n"
            ));
        }
        if !self.sinks.is_empty() {
            o.push('\n');
            for s in &self.sinks {
                let _ = writeln!(o, "class {};", s.class);
            }
        }
        if !self.pvars.is_empty() || !self.tvars.is_empty() {
            o.push_str(
                "\n// The client's interface pointers and advise tokens, at file scope so that Notify\n// can use them as well as RunClient.\n",
            );
            let sink_vars: Vec<usize> = self.sinks.iter().map(|s| s.var).collect();
            let order = (0..self.pvars.len())
                .filter(|i| !sink_vars.contains(i))
                .chain(sink_vars.iter().copied());
            for i in order {
                let v = &self.pvars[i];
                let _ = writeln!(o, "static {}* {} = NULL;", self.ty_name(v.ty), v.name);
            }
            for t in &self.tvars {
                let _ = writeln!(o, "static ULONG {} = 0;", t.name);
            }
        }
        for c in &classes {
            o.push('\n');
            o.push_str(c);
        }
        for n in &notifies {
            o.push('\n');
            o.push_str(n);
        }
        o.push_str("\n// The client's calls, in the order of the trace.\nHRESULT RunClient()\n{\n");
        o.push_str("    HRESULT hr = S_OK;\n");
        if self.locals.capabilities {
            o.push_str("    ULONG ulCapabilities = 0;\n");
        }
        if self.locals.state {
            o.push_str("    ULONG ulState = 0;\n");
        }
        if self.locals.advise_info {
            o.push_str("    MAPIOFFLINE_ADVISEINFO adviseInfo = {};\n");
        }
        if self.locals.aggregate_info {
            o.push_str("    MAPIOFFLINE_AGGREGATEINFO aggregateInfo = {};\n");
        }
        if self.locals.create_info {
            o.push_str("    MAPIOFFLINE_CREATEINFO createInfo = {};\n");
        }
        o.push('\n');
        let first = o.matches('\n').count();
        for l in &self.body {
            o.push_str(l);
            o.push('\n');
        }
        o.push_str("    return hr;\n}\n");
        Rendered {
            text: o,
            event_lines: self.at.iter().map(|l| first + l).collect(),
        }
    }
}

/// Whether a reaction registers a sink (and so needs a token variable).
fn is_advise(a: &Action) -> bool {
    matches!(
        a,
        Action::Advise { .. }
            | Action::Call(ReactionCall::Advise {
                pul_advise_token: OutArg::Valid | OutArg::Bind(_),
                ..
            })
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::{kitchen_sink, sample_session};

    #[test]
    fn names_become_identifiers() {
        assert_eq!(class_name("CMyOfflineNotify"), "CMyOfflineNotify");
        assert_eq!(class_name("logger"), "CLogger");
        assert_eq!(class_name("quit|ter; #x"), "CQuit_ter_x");
        assert_eq!(class_name("Cat"), "CCat");
        assert_eq!(class_name("¿?"), "CObject");
        assert_eq!(ident("__a  b__"), "a_b");
        assert_eq!(unique("CX", &["CX".into(), "CX2".into()]), "CX3");
    }

    #[test]
    fn strings_and_comments_are_escaped() {
        assert_eq!(
            wide_lit(Some("a\"b\\c?\u{1}1é😀")),
            "L\"a\\\"b\\\\c\\?\\0011\\u00E9\\U0001F600\""
        );
        assert_eq!(wide_lit(None), "NULL");
        assert_eq!(comment_text("ends with \\  "), "ends with \\ (end)");
        assert_eq!(comment_text("what??/"), "what? ?/");
        assert_eq!(
            capabilities_expr(0x103),
            "MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE | 0x100"
        );
        assert_eq!(capabilities_expr(0), "0");
    }

    #[test]
    fn sample_session_reads_like_the_sample_add_in() {
        let c = render(&sample_session());
        for want in [
            "hr = HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &pMgr); // S_OK, pMgr = 0x00A00000 (global \"Outlook\")",
            "hr = pMgr->QueryInterface(IID_IMAPIOffline, (void**)&pOffline); // S_OK, pOffline = 0x00A00000 (global \"Outlook\"); note[OFF-1]",
            "hr = pOffline->GetCapabilities(&ulCapabilities); // S_OK, ulCapabilities = MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE",
            "    adviseInfo.ulSize = sizeof(MAPIOFFLINE_ADVISEINFO);\n    adviseInfo.ulClientToken = 0;\n    adviseInfo.CallbackType = MAPIOFFLINE_CALLBACK_TYPE_NOTIFY;\n    adviseInfo.pCallback = pSink_CMyOfflineNotify;\n    adviseInfo.ulAdviseTypes = MAPIOFFLINE_ADVISE_TYPE_STATECHANGE;\n    adviseInfo.ulStateMask = MAPIOFFLINE_STATE_ALL;\n    hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, &ulAdviseToken); // S_OK, ulAdviseToken = 1",
            "pOffline->Release(); // reference count 1",
            "hr = pMgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL); // E_PENDING; note[SET-3]",
            "hr = pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken); // S_OK",
            "pMgr->Release(); // reference count 0",
            "pSink_CMyOfflineNotify->Release(); // reference count 0",
            "class CMyOfflineNotify : public IMAPIOfflineNotify",
            "pNotifyInfo->Info.StateChange.ulMask == MAPIOFFLINE_STATE_OFFLINE_MASK;",
            "// (time) Outlook runs every scheduled phase, from t=0",
        ] {
            assert!(c.contains(want), "missing {want:?} in\n{c}");
        }
    }

    #[test]
    fn kitchen_sink_keeps_wrong_arguments_as_written() {
        let c = render(&kitchen_sink());
        for want in [
            "hr = HrOpenOfflineObj(1, L\"Wrok\", &IID_IMAPIOffline, &GUID_GlobalState, NULL); // MAPI_E_NOT_FOUND; error[OPEN-2]",
            "hr = HrOpenOfflineObj(0, NULL, NULL, NULL, &pMgr); // MAPI_E_NOT_FOUND",
            "adviseInfo.ulSize = 32; // sizeof(MAPIOFFLINE_ADVISEINFO) is 24 on x86 (ADV-4)",
            "hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, NULL, NULL); // E_INVALIDARG; error[ADV-9], note[ADV-9]",
            "hr = pMgr->SetCurrentState(0x00000007, 0x00000004, 0x00000009, (void*)0x1234);",
            "hr = ((IMAPIOfflineMgr*)0x00001234)->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK,",
            "((IMAPIOfflineMgr*)NULL)->AddRef();",
            "[6])(pMgr); // E_NOTIMPL; error[OFF-3, R7]",
            "hr = pMgr->QueryInterface(*(const IID*)NULL, (void**)&pv);",
            "createInfo.pParent = pMgr;",
            "aggregateInfo.pOuterObj = pSink_outer;",
            "hr = HrCreateOfflineObj(0, &createInfo, &pMgr2); // S_OK",
            "static const GUID GUID_12345678_1234_5678_9ABC_DEF012345678 = {0x12345678,",
            "        pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken);",
            "((IMAPIOfflineMgr*)NULL)->AddRef(); // reference count 0; error[ptr.null_this]",
            "// (Outlook) the network goes down",
            "L\"Work | \\\"Main\\\"; #1 <b>*x*</b> `q` %% \\\\\"",
        ] {
            assert!(c.contains(want), "missing {want:?} in\n{c}");
        }
    }
}
