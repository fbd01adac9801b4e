//! Values as written: numbers, constants, names, pointers, GUIDs, strings, out-parameters
//! and the structures a call takes.

use super::*;
use crate::scenario::words::{ADVISEINFO_FIELDS, CREATEINFO_FIELDS};

impl Runner {
    pub(super) fn unknown_name<T>(&self, name: &str, col: usize) -> Result<T, RunError> {
        if name == "own" || name == "self" {
            return self.fail_at(
                col,
                name.len(),
                format!("`{name}` exists only inside a reaction"),
                Some(if name == "own" {
                    "in `sink S when …: mgr->Unadvise(0, own)`, `own` is the advise token of the registration being notified".into()
                } else {
                    "in `sink S when …: …`, `self` is the sink itself".into()
                }),
            );
        }
        let mut names: Vec<&str> = self.vars().keys().map(String::as_str).collect();
        for k in known_names() {
            names.push(k);
        }
        let hint = nearest(name, names).map(|s| format!("did you mean `{s}`?"));
        self.fail_at(
            col,
            name.chars().count(),
            format!("`{name}` is neither a constant of the API nor a name bound earlier"),
            hint,
        )
    }

    pub(super) fn u64(&self, e: &Expr) -> Result<u64, RunError> {
        match e {
            Expr::Num(n) => Ok(*n),
            Expr::Null => Ok(0),
            _ => self.u32(e).map(u64::from),
        }
    }

    pub(super) fn u32(&self, e: &Expr) -> Result<u32, RunError> {
        match e {
            Expr::Num(n) => u32::try_from(*n)
                .or_else(|_| self.fail(format!("{n} does not fit in a ULONG (32 bits)"), None)),
            Expr::Null => Ok(0),
            Expr::Or(parts) => parts.iter().try_fold(0u32, |acc, p| Ok(acc | self.u32(p)?)),
            Expr::And(parts) => parts
                .iter()
                .try_fold(u32::MAX, |acc, p| Ok(acc & self.u32(p)?)),
            Expr::Not(inner) => Ok(!self.u32(inner)?),
            Expr::Sizeof(ty) => {
                let arch = self.config.arch;
                match ty.as_str() {
                    "MAPIOFFLINE_ADVISEINFO" => Ok(arch.sizeof_adviseinfo()),
                    "MAPIOFFLINE_CREATEINFO" => Ok(arch.sizeof_createinfo()),
                    "MAPIOFFLINE_AGGREGATEINFO" => Ok(arch.sizeof_aggregateinfo()),
                    "MAPIOFFLINE_NOTIFY" => Ok(consts::SIZEOF_MAPIOFFLINE_NOTIFY),
                    _ => self.fail(format!("sizeof({ty}): not a structure of the API"), Some("MAPIOFFLINE_ADVISEINFO, MAPIOFFLINE_CREATEINFO, MAPIOFFLINE_AGGREGATEINFO or MAPIOFFLINE_NOTIFY".into())),
                }
            }
            Expr::Name { name, col } => {
                if let Some(v) = consts::value_of(name) {
                    return Ok(v);
                }
                match self.var(name) {
                    Some(Value::Ulong(v)) => Ok(v),
                    Some(Value::Ptr(p)) => Ok(p.0),
                    None => self.unknown_name(name, *col),
                }
            }
            _ => self.fail("expected a number or a constant here", None),
        }
    }

    pub(super) fn ptr(&self, e: &Expr) -> Result<Ptr, RunError> {
        match e {
            Expr::Null => Ok(Ptr::NULL),
            Expr::Num(n) => u32::try_from(*n).map(Ptr).or_else(|_| {
                self.fail(
                    format!("{n:#x} is beyond this simulator's address space"),
                    None,
                )
            }),
            Expr::Name { name, col } => match self.var(name) {
                Some(Value::Ptr(p)) => Ok(p),
                Some(Value::Ulong(v)) => self.fail_at(
                    *col,
                    name.chars().count(),
                    format!("`{name}` holds the number {v}, not an interface pointer"),
                    None,
                ),
                None => self.unknown_name(name, *col),
            },
            _ => self.fail(
                "expected an interface pointer: a bound name, NULL or an address",
                None,
            ),
        }
    }

    /// A `const GUID*` (or `REFIID`) argument: `NULL`, `&GUID_GlobalState` (the `&` may be
    /// left out), an `IID_` name, a literal `{XXXXXXXX-…}`, or a raw address (`0x1234`)
    /// whose contents the simulator cannot read.
    pub(super) fn guid(&self, e: &Expr) -> Result<GuidPtr, RunError> {
        const FORMS: &str = "a GUID pointer is NULL, &GUID_GlobalState, an IID_ name, a literal {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, or a raw address such as 0x1234";
        match e {
            Expr::Null => Ok(GuidPtr::Null),
            Expr::Num(n) => Ok(GuidPtr::addr(*n)),
            Expr::AddrOf(inner) => match &**inner {
                Expr::Name { .. } | Expr::Guid(_) => self.guid(inner),
                Expr::Num(n) => self.fail(
                    format!("`&0x{n:X}`: a number has no address"),
                    Some(format!(
                        "write 0x{n:X} (without `&`) to pass it as a raw address"
                    )),
                ),
                Expr::Null => self.fail(
                    "`&NULL`: NULL has no address",
                    Some("write NULL for a NULL GUID pointer".into()),
                ),
                _ => self.fail("expected a GUID after `&`", Some(FORMS.into())),
            },
            Expr::Guid(g) => Ok(GuidPtr::To(*g)),
            Expr::Name { name, col } => match KNOWN_GUIDS.iter().find(|g| g.name == *name) {
                Some(g) => Ok(GuidPtr::To(g.guid)),
                None => {
                    // A variable holds a pointer or a number, never a GUID: passing it here
                    // is most likely a slip, so say what it holds rather than guess.
                    if let Some(v) = self.var(name) {
                        let (what, raw) = match v {
                            Value::Ptr(p) => ("an interface pointer", p.to_string()),
                            Value::Ulong(u) => ("a number", format!("0x{u:X}")),
                        };
                        return self.fail_at(
                            *col,
                            name.chars().count(),
                            format!("`{name}` is {what} ({raw}), not a GUID"),
                            Some(format!(
                                "{FORMS}; to pass {raw} as an address, write it as a number"
                            )),
                        );
                    }
                    let hint = nearest(name, KNOWN_GUIDS.iter().map(|g| g.name))
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(FORMS.into()));
                    self.fail_at(
                        *col,
                        name.chars().count(),
                        format!("`{name}` is not a GUID of the API"),
                        hint,
                    )
                }
            },
            _ => self.fail("expected a GUID pointer here", Some(FORMS.into())),
        }
    }

    pub(super) fn string(&self, e: &Expr) -> Result<Option<String>, RunError> {
        match e {
            Expr::Null => Ok(None),
            Expr::Str(s) => Ok(Some(s.clone())),
            _ => self.fail("expected a string such as L\"Outlook\", or NULL", None),
        }
    }

    pub(super) fn out(&self, e: &Expr) -> Result<OutParam, RunError> {
        match e {
            Expr::Null | Expr::Num(0) => Ok(OutParam {
                out: Out::Null,
                bind: None,
            }),
            // A raw address: a pointer the call writes through; nothing is bound.
            Expr::Num(_) => Ok(OutParam {
                out: Out::Valid,
                bind: None,
            }),
            Expr::AddrOf(inner) => match &**inner {
                Expr::Name { name, .. } => {
                    self.check_new_name(name)?;
                    Ok(OutParam {
                        out: Out::Valid,
                        bind: Some(name.clone()),
                    })
                }
                _ => self.fail("an out-parameter is &name or NULL", None),
            },
            _ => self.fail(
                "an out-parameter is &name (to bind the result) or NULL",
                Some("e.g. &mgr".into()),
            ),
        }
    }

    pub(super) fn fields<'e>(
        &self,
        e: &'e Expr,
        what: &str,
        allowed: &[&str],
    ) -> Result<Option<BTreeMap<&'e str, &'e Expr>>, RunError> {
        let e = match e {
            Expr::Null => return Ok(None),
            Expr::AddrOf(inner) => &**inner,
            other => other,
        };
        let Expr::Struct(fields) = e else {
            return self.fail(format!("expected &{{…}} (a {what}) or NULL"), None);
        };
        let mut map = BTreeMap::new();
        for (f, v) in fields {
            if !allowed.contains(&f.as_str()) {
                let hint =
                    nearest(f, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                return self.fail(format!("{what} has no field `{f}`"), hint);
            }
            map.insert(f.as_str(), v);
        }
        Ok(Some(map))
    }

    pub(super) fn advise_info(&self, e: &Expr) -> Result<Option<AdviseInfo>, RunError> {
        let Some(f) = self.fields(e, "MAPIOFFLINE_ADVISEINFO", ADVISEINFO_FIELDS)? else {
            return Ok(None);
        };
        let base = AdviseInfo {
            ul_size: self.config.arch.sizeof_adviseinfo(),
            ul_client_token: 0,
            callback_type: consts::MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
            p_callback: Ptr::NULL,
            ul_advise_types: consts::MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
            ul_state_mask: consts::MAPIOFFLINE_STATE_ALL,
        };
        let u = |k: &str, d: u32| f.get(k).map_or(Ok(d), |v| self.u32(v));
        Ok(Some(AdviseInfo {
            ul_size: u("ulSize", base.ul_size)?,
            ul_client_token: u("ulClientToken", 0)?,
            callback_type: u("CallbackType", base.callback_type)?,
            p_callback: f.get("pCallback").map_or(Ok(Ptr::NULL), |v| self.ptr(v))?,
            ul_advise_types: u("ulAdviseTypes", base.ul_advise_types)?,
            ul_state_mask: u("ulStateMask", base.ul_state_mask)?,
        }))
    }

    pub(super) fn create_info(&self, e: &Expr) -> Result<Option<CreateInfo>, RunError> {
        let allowed = CREATEINFO_FIELDS;
        let Some(f) = self.fields(e, "MAPIOFFLINE_CREATEINFO", allowed)? else {
            return Ok(None);
        };
        let arch = self.config.arch;
        let u = |k: &str, d: u32| f.get(k).map_or(Ok(d), |v| self.u32(v));
        let p = |k: &str| f.get(k).map_or(Ok(Ptr::NULL), |v| self.ptr(v));
        let g = |k: &str| f.get(k).map_or(Ok(GuidPtr::Null), |v| self.guid(v));
        let aggregate = match f.get("pAggregateInfo") {
            None => None,
            Some(v) => match self.fields(
                v,
                "MAPIOFFLINE_AGGREGATEINFO",
                &["ulSize", "pOuterObj", "pRefTrackRoot"],
            )? {
                None => None,
                Some(a) => Some(AggregateInfo {
                    ul_size: a
                        .get("ulSize")
                        .map_or(Ok(arch.sizeof_aggregateinfo()), |v| self.u32(v))?,
                    p_outer_obj: a.get("pOuterObj").map_or(Ok(Ptr::NULL), |v| self.ptr(v))?,
                    p_ref_track_root: a
                        .get("pRefTrackRoot")
                        .map_or(Ok(Ptr::NULL), |v| self.ptr(v))?,
                }),
            },
        };
        Ok(Some(CreateInfo {
            ul_size: u("ulSize", arch.sizeof_createinfo())?,
            ul_create_flags: u("ulCreateFlags", 0)?,
            pwsz_profile_name: f
                .get("pwszProfileName")
                .map_or(Ok(None), |v| self.string(v))?,
            ul_capabilities: u(
                "ulCapabilities",
                consts::MAPIOFFLINE_CAPABILITY_OFFLINE | consts::MAPIOFFLINE_CAPABILITY_ONLINE,
            )?,
            p_guid: g("pGUID")?,
            p_instance: g("pInstance")?,
            p_parent: p("pParent")?,
            p_mapi_support: p("pMAPISupport")?,
            p_aggregate_info: aggregate,
            p_connect_info: f.get("pConnectInfo").map_or(Ok(0), |v| self.u64(v))?,
        }))
    }
}

/// Whether a word is spelt like a constant of the API (`MAPIOFFLINE_FLAG_BLOK`, `E_PENDNG`):
/// upper case with an underscore. Variables are not written that way in scenarios.
pub(super) fn looks_like_constant(name: &str) -> bool {
    name.contains('_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The first name in an expression that is not a constant, with its column.
pub(super) fn first_variable(e: &Expr) -> Option<(String, usize)> {
    match e {
        Expr::Name { name, col } if consts::value_of(name).is_none() => Some((name.clone(), *col)),
        Expr::Or(parts) | Expr::And(parts) => parts.iter().find_map(first_variable),
        Expr::AddrOf(inner) | Expr::Not(inner) => first_variable(inner),
        _ => None,
    }
}
