//! The call builder: a form for every API call and world action of the language, the
//! values each argument may take (the documented ones, raw numbers, wrong sizes, NULL and
//! every name bound so far) and the statement a filled form stands for.
//!
//! A front-end draws the forms and inserts [`Form::statement`]'s text; it never spells a
//! statement itself. Every statement a form produces parses (`core/tests/builder.rs` runs
//! them all), so a learner can make every mistake the language can express with the mouse:
//! a wrong `ulSize`, a NULL `pCallback`, a placeholder slot, an unmasked state.
//!
//! ```
//! use mapioffline::scenario::builder::{form, Bound};
//! let advise = form("Advise").unwrap();
//! let text = advise
//!     .statement(&[("this", "mgr"), ("ulFlags", "MAPIOFFLINE_ADVISE_DEFAULT"), ("pCallback", "NULL"), ("pulAdviseToken", "&token")])
//!     .unwrap();
//! assert_eq!(text, "mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{pCallback = NULL}, &token)");
//! assert!(mapioffline::scenario::parse(&text).is_ok());
//! let offered = advise.param("pCallback").unwrap().choices(&Bound::default());
//! assert!(offered.iter().any(|c| c.text == "NULL"));
//! ```

use super::run::Runner;
use super::words::{ADVISEINFO_FIELDS, CREATEINFO_FIELDS};
use crate::consts::{Arch, ConstGroup, CONSTANTS, KNOWN_GUIDS};
use crate::sim::VTABLE;
use crate::trace::Value;
use std::collections::BTreeMap;

/// What kind of value an argument takes; it decides the choices offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The object a method is called on: a bound offline object, or a raw address.
    Object,
    /// A live offline object of the world (a world action's target): bound names only.
    LiveObject,
    /// Flags or a value from one group of constants (all of them offered, and 0).
    Consts(ConstGroup),
    /// An injected notification's type: one Outlook does not document first (what NTF-6
    /// is for), then the documented ones (which the runner refuses to forge with the
    /// offline mask).
    InjectType,
    /// A ULONG the client chooses (a client token, a tick count).
    Number,
    /// An out-parameter: `&name` binds what the call writes; NULL, or a raw pointer.
    Out,
    /// A GUID pointer: a named GUID or IID, NULL, or an unreadable raw address.
    Guid,
    /// A reserved pointer: NULL (correct) or a raw address.
    Reserved,
    /// A profile name as a wide string (`L"Outlook"`), or NULL.
    WideProfile,
    /// A profile of the world, as the world statements write it (`"Outlook"`).
    ProfileName,
    /// A name for a new profile.
    NewProfile,
    /// The client's notify object: a declared sink, `self`, NULL or a raw address.
    Sink,
    /// A structure's `ulSize`: the right size, the other architecture's, 0, one less.
    Size(&'static str),
    /// An advise token: one bound so far, `own` in a reaction, or a number.
    Token,
    /// A new name to bind (a sink's name).
    NewName,
    /// One word from a fixed list.
    Word(&'static [&'static str]),
    /// A whole call, built with another form (a sink's reaction).
    Call,
}

/// One argument or option of a form.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// The reference's name for it (`ulFlags`, `pCallback`), or the language's word.
    pub name: &'static str,
    pub kind: Kind,
    /// Left empty, a field of a structure is left out (it gets its correct value) and an
    /// option is not written; a required argument must be given.
    pub optional: bool,
    /// What it is for, in a few words.
    pub doc: &'static str,
}

/// How a form's filled values become a statement.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// `this->Method(args…)`: every param after `this` is an argument, except the named
    /// struct's fields, which go into one `&{…}` argument at `at`.
    Method {
        method: &'static str,
        fields: Option<StructArg>,
    },
    /// `Function(args…)` with an optional `&{…}` argument.
    Function {
        function: &'static str,
        fields: Option<StructArg>,
    },
    /// `this->vtbl[N]()`.
    Slot,
    /// Words in order, each param written after its keyword (`caps X`), flags by name.
    Statement(&'static [Piece]),
}

/// A structure argument: its place among the arguments and the params that are its
/// fields (a contiguous run of the form's params, by name).
#[derive(Clone, Copy, Debug)]
struct StructArg {
    /// The argument's name (`pAdviseInfo`); writing `NULL` for the first field's sibling
    /// param of this name passes NULL instead of a structure.
    name: &'static str,
    fields: &'static [&'static str],
}

/// One piece of a world statement.
#[derive(Clone, Copy, Debug)]
enum Piece {
    /// A fixed word.
    Word(&'static str),
    /// A param's value as it is.
    Value(&'static str),
    /// A param's value after a keyword, written only when the param is filled.
    Keyed(&'static str, &'static str),
    /// A yes/no param written as a bare flag word when its value is "yes".
    Flag(&'static str, &'static str),
}

/// A form for one call or world action.
#[derive(Clone, Copy, Debug)]
pub struct Form {
    /// The name a front-end lists it by: the method or statement word.
    pub id: &'static str,
    /// What it does, in a few words.
    pub title: &'static str,
    pub params: &'static [Param],
    shape: Shape,
}

/// A value a param can take, with what it means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The text written into the statement.
    pub text: String,
    /// Why a learner would pick it (the correct value, a mistake and its clause…).
    pub note: String,
    /// Meaningful only in a sink's reaction (`own`, `self`); elsewhere the runner refuses it.
    pub only_in_reaction: bool,
}

/// The names bound so far, sorted by what they point at; see [`bound`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bound {
    pub objects: Vec<String>,
    pub sinks: Vec<String>,
    /// Names holding a number (tokens, states, capabilities).
    pub numbers: Vec<String>,
    pub profiles: Vec<String>,
    /// The architecture the script runs as (it decides which `ulSize` is right).
    pub arch: Option<Arch>,
}

/// What a runner has bound so far, for the choices of [`Param::choices`].
pub fn bound(runner: &mut Runner) -> Bound {
    let vars: BTreeMap<String, Value> = runner.vars().clone();
    let snap = runner.sim().snapshot();
    let arch = Some(runner.sim().config().arch);
    let mut b = Bound {
        profiles: snap.profiles.iter().map(|p| p.name.clone()).collect(),
        arch,
        ..Bound::default()
    };
    for (name, v) in vars {
        match v {
            Value::Ptr(p) if snap.clients.iter().any(|c| c.object == p) => b.sinks.push(name),
            Value::Ptr(p) if snap.objects.iter().any(|o| o.object == p) => b.objects.push(name),
            Value::Ptr(_) => b.objects.push(name),
            Value::Ulong(_) => b.numbers.push(name),
        }
    }
    b
}

const fn req(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    Param {
        name,
        kind,
        optional: false,
        doc,
    }
}

const fn opt(name: &'static str, kind: Kind, doc: &'static str) -> Param {
    Param {
        name,
        kind,
        optional: true,
        doc,
    }
}

const THIS: Param = req("this", Kind::Object, "the object called");
const YES_NO: &[&str] = &["yes", "no"];
const PHASES: &[&str] = &["START", "STATECHANGE", "DONE", "any"];

/// Every form: the calls in vtable order, then the world actions.
pub static FORMS: &[Form] = &[
    Form {
        id: "HrOpenOfflineObj",
        title: "open a profile's offline object",
        params: &[
            req("ulReserved", Kind::Number, "must be 0"),
            req("pwszProfileNameIn", Kind::WideProfile, "the profile's name"),
            req("pGUID", Kind::Guid, "the type of object: GUID_GlobalState"),
            req("pReserved", Kind::Reserved, "must be NULL"),
            req("ppOfflineObj", Kind::Out, "receives the object"),
        ],
        shape: Shape::Function {
            function: "HrOpenOfflineObj",
            fields: None,
        },
    },
    Form {
        id: "HrCreateOfflineObj",
        title: "create an offline object (a provider or store)",
        params: &[
            req("ulFlags", Kind::Number, "reserved; 0"),
            opt(
                "pCreateInfo",
                Kind::Word(&["NULL"]),
                "NULL passes no structure",
            ),
            opt("ulSize", Kind::Size("MAPIOFFLINE_CREATEINFO"), "sizeof"),
            opt("ulCreateFlags", Kind::Number, "must be 0"),
            opt("pwszProfileName", Kind::WideProfile, "the profile"),
            opt(
                "ulCapabilities",
                Kind::Consts(ConstGroup::Capability),
                "which changes it can notify",
            ),
            opt("pGUID", Kind::Guid, "the object's type"),
            opt("pInstance", Kind::Guid, "this object's identity"),
            opt(
                "pParent",
                Kind::Object,
                "the object whose changes it follows",
            ),
            opt("pMAPISupport", Kind::Reserved, "the support object"),
            opt("pConnectInfo", Kind::Reserved, "must be NULL"),
            req("ppOffline", Kind::Out, "receives the object"),
        ],
        shape: Shape::Function {
            function: "HrCreateOfflineObj",
            fields: Some(StructArg {
                name: "pCreateInfo",
                fields: CREATEINFO_FIELDS,
            }),
        },
    },
    Form {
        id: "QueryInterface",
        title: "ask the object for an interface",
        params: &[
            THIS,
            req("riid", Kind::Guid, "the interface"),
            req("ppvObject", Kind::Out, "receives the interface pointer"),
        ],
        shape: Shape::Method {
            method: "QueryInterface",
            fields: None,
        },
    },
    Form {
        id: "AddRef",
        title: "take a reference",
        params: &[THIS],
        shape: Shape::Method {
            method: "AddRef",
            fields: None,
        },
    },
    Form {
        id: "Release",
        title: "drop a reference",
        params: &[THIS],
        shape: Shape::Method {
            method: "Release",
            fields: None,
        },
    },
    Form {
        id: "SetCurrentState",
        title: "ask for a change of state",
        params: &[
            THIS,
            req(
                "ulFlags",
                Kind::Consts(ConstGroup::SetFlags),
                "asynchronous or blocking",
            ),
            req(
                "ulMask",
                Kind::Consts(ConstGroup::StateMask),
                "which part of the state",
            ),
            req(
                "ulState",
                Kind::Consts(ConstGroup::State),
                "the state asked for",
            ),
            req("pReserved", Kind::Reserved, "must be NULL"),
        ],
        shape: Shape::Method {
            method: "SetCurrentState",
            fields: None,
        },
    },
    Form {
        id: "GetCapabilities",
        title: "read which changes the object can notify",
        params: &[THIS, req("pulCapabilities", Kind::Out, "receives the bits")],
        shape: Shape::Method {
            method: "GetCapabilities",
            fields: None,
        },
    },
    Form {
        id: "GetCurrentState",
        title: "read the state",
        params: &[THIS, req("pulState", Kind::Out, "receives the state")],
        shape: Shape::Method {
            method: "GetCurrentState",
            fields: None,
        },
    },
    Form {
        id: "Advise",
        title: "register a sink for notifications",
        params: &[
            THIS,
            req(
                "ulFlags",
                Kind::Consts(ConstGroup::AdviseFlags),
                "must be MAPIOFFLINE_ADVISE_DEFAULT",
            ),
            opt(
                "pAdviseInfo",
                Kind::Word(&["NULL"]),
                "NULL passes no structure",
            ),
            opt("ulSize", Kind::Size("MAPIOFFLINE_ADVISEINFO"), "sizeof"),
            opt(
                "ulClientToken",
                Kind::Number,
                "comes back in every notification",
            ),
            opt(
                "CallbackType",
                Kind::Consts(ConstGroup::CallbackType),
                "only the notify type",
            ),
            opt("pCallback", Kind::Sink, "the client's notify object"),
            opt(
                "ulAdviseTypes",
                Kind::Consts(ConstGroup::AdviseType),
                "only state changes",
            ),
            opt(
                "ulStateMask",
                Kind::Consts(ConstGroup::StateMask),
                "only the whole state",
            ),
            req("pulAdviseToken", Kind::Out, "receives the advise token"),
        ],
        shape: Shape::Method {
            method: "Advise",
            fields: Some(StructArg {
                name: "pAdviseInfo",
                fields: ADVISEINFO_FIELDS,
            }),
        },
    },
    Form {
        id: "Unadvise",
        title: "end a registration",
        params: &[
            THIS,
            req(
                "ulFlags",
                Kind::Consts(ConstGroup::UnadviseFlags),
                "must be MAPIOFFLINE_UNADVISE_DEFAULT",
            ),
            req("ulAdviseToken", Kind::Token, "the token Advise wrote"),
        ],
        shape: Shape::Method {
            method: "Unadvise",
            fields: None,
        },
    },
    Form {
        id: "vtbl",
        title: "call a vtable slot by number (a placeholder, or beyond the table)",
        params: &[THIS, req("slot", Kind::Number, "the slot's index")],
        shape: Shape::Slot,
    },
    Form {
        id: "profile",
        title: "add a profile to the world",
        params: &[
            req("name", Kind::NewProfile, "its name"),
            opt(
                "caps",
                Kind::Consts(ConstGroup::Capability),
                "its global object's capabilities",
            ),
            opt("state", Kind::Word(&["ONLINE", "OFFLINE"]), "its state"),
            opt(
                "outside",
                Kind::Word(YES_NO),
                "the caller runs outside Outlook",
            ),
            opt("server down", Kind::Word(YES_NO), "its server is down"),
        ],
        shape: Shape::Statement(&[
            Piece::Word("profile"),
            Piece::Value("name"),
            Piece::Keyed("caps", "caps"),
            Piece::Keyed("state", "state"),
            Piece::Flag("outside", "outside"),
            Piece::Flag("server down", "server down"),
        ]),
    },
    Form {
        id: "sink",
        title: "declare a client notify object, and what its Notify does",
        params: &[
            req("name", Kind::NewName, "its name"),
            opt(
                "no-notify",
                Kind::Word(YES_NO),
                "it does not implement IMAPIOfflineNotify",
            ),
            opt(
                "no-validate",
                Kind::Word(YES_NO),
                "its Notify does not check NotifyType",
            ),
            opt("when", Kind::Word(PHASES), "a phase it reacts to"),
            opt("once", Kind::Word(YES_NO), "only the first time"),
            opt(
                "reaction",
                Kind::Call,
                "the call its Notify makes (built with another form)",
            ),
        ],
        shape: Shape::Statement(&[
            Piece::Word("sink"),
            Piece::Value("name"),
            Piece::Flag("no-notify", "no-notify"),
            Piece::Flag("no-validate", "no-validate"),
        ]),
    },
    Form {
        id: "network",
        title: "take the network down or bring it back",
        params: &[req("up or down", Kind::Word(&["down", "up"]), "")],
        shape: Shape::Statement(&[Piece::Word("network"), Piece::Value("up or down")]),
    },
    Form {
        id: "server",
        title: "take a profile's server down or bring it back",
        params: &[
            req("profile", Kind::ProfileName, "the profile"),
            req("up or down", Kind::Word(&["down", "up"]), ""),
        ],
        shape: Shape::Statement(&[
            Piece::Word("server"),
            Piece::Value("profile"),
            Piece::Value("up or down"),
        ]),
    },
    Form {
        id: "inject",
        title: "deliver a notification Outlook made up (NTF-6)",
        params: &[
            req("object", Kind::LiveObject, "whose sinks hear it"),
            req("NotifyType", Kind::InjectType, ""),
            req("ulMask", Kind::Consts(ConstGroup::StateMask), ""),
            req("ulStateOld", Kind::Consts(ConstGroup::State), ""),
            req("ulStateNew", Kind::Consts(ConstGroup::State), ""),
        ],
        shape: Shape::Statement(&[
            Piece::Word("inject"),
            Piece::Value("object"),
            Piece::Value("NotifyType"),
            Piece::Value("ulMask"),
            Piece::Value("ulStateOld"),
            Piece::Value("ulStateNew"),
        ]),
    },
    Form {
        id: "advance",
        title: "let simulated time pass",
        params: &[req("ticks", Kind::Number, "how many ticks")],
        shape: Shape::Statement(&[Piece::Word("advance"), Piece::Value("ticks")]),
    },
    Form {
        id: "run",
        title: "run until nothing is left to do",
        params: &[],
        shape: Shape::Statement(&[Piece::Word("run")]),
    },
    Form {
        id: "shutdown",
        title: "shut Outlook down and report what the client left behind",
        params: &[],
        shape: Shape::Statement(&[Piece::Word("shutdown")]),
    },
];

/// The form of a call or statement word (`Advise`, `profile`).
pub fn form(id: &str) -> Option<&'static Form> {
    FORMS.iter().find(|f| f.id == id)
}

fn choice(text: impl Into<String>, note: impl Into<String>) -> Choice {
    Choice {
        text: text.into(),
        note: note.into(),
        only_in_reaction: false,
    }
}

fn in_reaction(text: &str, note: &str) -> Choice {
    Choice {
        only_in_reaction: true,
        ..choice(text, note)
    }
}

impl Param {
    /// The values offered for this param, correct ones first, given what is bound.
    pub fn choices(&self, b: &Bound) -> Vec<Choice> {
        let mut c = Vec::new();
        match self.kind {
            Kind::Object => {
                c.extend(b.objects.iter().map(|n| choice(n, "bound so far")));
                c.push(choice("NULL", "a NULL object pointer"));
                c.push(choice("0x1234", "an address that is no object"));
            }
            Kind::LiveObject => c.extend(b.objects.iter().map(|n| choice(n, "bound so far"))),
            Kind::Consts(_) => {
                c.extend(self.kind.consts());
                if !c.iter().any(|k| k.note == "0x0") {
                    c.push(choice("0", "none"));
                }
                c.push(choice("0x80", "an undocumented bit"));
            }
            Kind::InjectType => {
                c.push(choice("0x40", "a type the reference does not document"));
                c.extend(Kind::Consts(ConstGroup::NotifyType).consts());
            }
            Kind::Number => {
                c.push(choice("0", "zero"));
                c.push(choice("7", "any number"));
                c.extend(b.numbers.iter().map(|n| choice(n, "bound so far")));
            }
            Kind::Out => {
                c.push(choice("&out", "binds what the call writes to `out`"));
                c.push(choice("NULL", "a NULL out-pointer"));
                c.push(choice(
                    "0x1000",
                    "a valid pointer whose result is not bound",
                ));
            }
            Kind::Guid => {
                c.extend(
                    KNOWN_GUIDS
                        .iter()
                        .map(|g| choice(format!("&{}", g.name), "a named GUID")),
                );
                c.push(choice("NULL", "no GUID"));
                c.push(choice("0x1234", "an address the simulator cannot read"));
            }
            Kind::Reserved => {
                c.push(choice("NULL", "correct"));
                c.push(choice("0x1000", "not NULL"));
            }
            Kind::WideProfile => {
                c.extend(
                    b.profiles
                        .iter()
                        .map(|p| choice(format!("L\"{p}\""), "a profile of the world")),
                );
                c.push(choice("L\"Nobody\"", "a profile that does not exist"));
                c.push(choice("NULL", "no name"));
            }
            Kind::ProfileName => {
                c.extend(
                    b.profiles
                        .iter()
                        .map(|p| choice(format!("\"{p}\""), "a profile of the world")),
                );
            }
            Kind::NewProfile => {
                let name = ["Outlook", "Work", "Home", "Archive"]
                    .into_iter()
                    .find(|n| !b.profiles.iter().any(|p| p == n))
                    .unwrap_or("Another");
                c.push(choice(format!("\"{name}\""), "a new profile"));
            }
            Kind::Sink => {
                c.extend(b.sinks.iter().map(|n| choice(n, "declared so far")));
                c.push(in_reaction("self", "the sink itself, inside a reaction"));
                c.push(choice("NULL", "no callback"));
                c.push(choice("0x1234", "an address that is no object"));
            }
            Kind::Size(s) => {
                let arch = b.arch.unwrap_or_default();
                let (right, other) = match arch {
                    Arch::X86 => (size(s, Arch::X86), size(s, Arch::X64)),
                    Arch::X64 => (size(s, Arch::X64), size(s, Arch::X86)),
                };
                c.push(choice(format!("sizeof({s})"), format!("{right}, correct")));
                c.push(choice(
                    other.to_string(),
                    "the other architecture's size".to_string(),
                ));
                c.push(choice("0", "zero"));
                c.push(choice((right - 1).to_string(), "one byte short"));
            }
            Kind::Token => {
                c.extend(b.numbers.iter().map(|n| choice(n, "bound so far")));
                c.push(in_reaction(
                    "own",
                    "this registration's token, inside a reaction",
                ));
                c.push(choice("0", "no registration"));
                c.push(choice("99", "a token never handed out"));
            }
            Kind::NewName => c.push(choice("logger", "a new name")),
            Kind::Word(words) => c.extend(words.iter().map(|w| choice(*w, ""))),
            Kind::Call => {}
        }
        c
    }
}

impl Kind {
    /// A group's documented values, by name.
    fn consts(self) -> Vec<Choice> {
        let Kind::Consts(group) = self else {
            return Vec::new();
        };
        CONSTANTS
            .iter()
            .filter(|k| k.group == group)
            .map(|k| choice(k.name, format!("{:#x}", k.value)))
            .collect()
    }
}

fn size(s: &str, arch: Arch) -> u32 {
    match s {
        "MAPIOFFLINE_ADVISEINFO" => arch.sizeof_adviseinfo(),
        _ => arch.sizeof_createinfo(),
    }
}

/// Why a form cannot be written yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing(pub String);

impl Form {
    /// The param called `name`.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The statement for these values (param name, text). A required param left empty is
    /// an error naming it; a name that is not a param of the form is an error too (never
    /// silently dropped).
    pub fn statement(&self, values: &[(&str, &str)]) -> Result<String, Missing> {
        if let Some((n, _)) = values.iter().find(|(n, _)| self.param(n).is_none()) {
            return Err(Missing(format!("{} has no argument {n}", self.id)));
        }
        let get = |name: &str| {
            values
                .iter()
                .rev()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        for p in self.params.iter().filter(|p| !p.optional) {
            if get(p.name).is_none() {
                return Err(Missing(format!("{} needs {}", self.id, p.name)));
            }
        }
        let args = |skip_this: bool, fields: Option<StructArg>| {
            let mut out: Vec<String> = Vec::new();
            let mut struct_done = false;
            for p in self.params.iter().skip(usize::from(skip_this)) {
                match fields {
                    Some(s) if p.name == s.name || s.fields.contains(&p.name) => {
                        if struct_done {
                            continue;
                        }
                        struct_done = true;
                        if get(s.name).is_some() {
                            out.push("NULL".into());
                        } else {
                            let set: Vec<String> = s
                                .fields
                                .iter()
                                .filter_map(|f| get(f).map(|v| format!("{f} = {v}")))
                                .collect();
                            out.push(format!("&{{{}}}", set.join(", ")));
                        }
                    }
                    _ => out.push(get(p.name).unwrap_or("0").to_string()),
                }
            }
            out.join(", ")
        };
        Ok(match self.shape {
            Shape::Method { method, fields } => {
                format!(
                    "{}->{method}({})",
                    get("this").unwrap_or(""),
                    args(true, fields)
                )
            }
            Shape::Function { function, fields } => format!("{function}({})", args(false, fields)),
            Shape::Slot => {
                let slot = get("slot").unwrap_or("0");
                format!("{}->vtbl[{slot}]()", get("this").unwrap_or(""))
            }
            Shape::Statement(pieces) => {
                let mut words: Vec<String> = Vec::new();
                for piece in pieces {
                    match *piece {
                        Piece::Word(w) => words.push(w.into()),
                        Piece::Value(p) => words.push(get(p).unwrap_or("").into()),
                        Piece::Keyed(p, kw) => {
                            if let Some(v) = get(p) {
                                words.push(format!("{kw} {v}"));
                            }
                        }
                        Piece::Flag(p, word) => {
                            if get(p) == Some("yes") {
                                words.push(word.into());
                            }
                        }
                    }
                }
                if self.id == "sink" {
                    if let Some(call) = get("reaction") {
                        let on = get("when").unwrap_or("any");
                        let once = if get("once") == Some("yes") {
                            " once"
                        } else {
                            ""
                        };
                        words.push(format!("when {on}{once}: {call}"));
                    }
                }
                words.join(" ")
            }
        })
    }
}

/// The vtable slots a `vtbl` form is worth offering: the placeholders and one beyond.
pub fn slot_choices() -> Vec<Choice> {
    let mut c: Vec<Choice> = VTABLE
        .iter()
        .enumerate()
        .map(|(i, s)| choice(i.to_string(), s.name))
        .collect();
    c.push(choice(VTABLE.len().to_string(), "beyond the vtable"));
    c
}
