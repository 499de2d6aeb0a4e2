//! `examkit.toml`: rule severities, per-path overrides, and the diagnostics
//! its own mistakes earn.

use std::collections::BTreeMap;
use std::path::Path;

use examkit_syntax::{Diagnostic, Severity, TextRange};
use serde::Deserialize;

use crate::registry;

/// The file name of the configuration at a content root.
pub const CONFIG_FILE: &str = "examkit.toml";

/// Code of a problem in the configuration file.
pub const CONFIG_CODE: &str = "config/invalid";

/// How a rule should report, as configured.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Off,
    /// Reported as information.
    Info,
    /// Reported as a warning.
    Warning,
    /// Reported as an error.
    Error,
}

impl Level {
    fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, Level>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Vec<String>,
    rules: BTreeMap<String, Level>,
}

/// Rule levels for a set of paths.
#[derive(Clone, Debug)]
struct Override {
    patterns: Vec<String>,
    rules: BTreeMap<String, Level>,
}

/// The configuration in force for a content root.
#[derive(Clone, Debug, Default)]
pub struct Config {
    rules: BTreeMap<String, Level>,
    overrides: Vec<Override>,
}

impl Config {
    /// Parses `examkit.toml` text. Problems (bad TOML, unknown rule codes,
    /// codes that cannot be configured) come back as diagnostics located in
    /// the file; what is valid is kept.
    #[must_use]
    pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                let range = error.span().map_or(TextRange::empty(0), |span| {
                    TextRange::new(offset(span.start), offset(span.end))
                });
                diagnostics.push(Diagnostic::error(
                    CONFIG_CODE,
                    range,
                    format!("invalid configuration: {}", error.message()),
                ));
                return (Config::default(), diagnostics);
            }
        };
        let mut check_codes = |rules: &BTreeMap<String, Level>| {
            for code in rules.keys() {
                let range = find_key(text, code);
                match registry::lookup(code) {
                    None => {
                        let mut d = Diagnostic::error(
                            CONFIG_CODE,
                            range,
                            format!("unknown rule code `{code}`"),
                        );
                        if let Some(best) =
                            examkit_model::did_you_mean(code, registry::all().map(|r| r.code))
                        {
                            d.help = Some(format!("did you mean `{best}`?"));
                        }
                        diagnostics.push(d);
                    }
                    Some(info) if !info.configurable => diagnostics.push(Diagnostic::error(
                        CONFIG_CODE,
                        range,
                        format!("`{code}` reports invalid content and cannot be configured"),
                    )),
                    Some(_) => {}
                }
            }
        };
        check_codes(&raw.rules);
        for o in &raw.overrides {
            check_codes(&o.rules);
        }
        let config = Config {
            rules: raw.rules,
            overrides: raw
                .overrides
                .into_iter()
                .map(|o| Override {
                    patterns: o.paths,
                    rules: o.rules,
                })
                .collect(),
        };
        (config, diagnostics)
    }

    /// The severity of `code` for a file at `relative_path` (relative to the
    /// content root, `/`-separated), or `None` when it is off.
    #[must_use]
    pub fn severity(&self, code: &str, default: Severity, relative_path: &str) -> Option<Severity> {
        let mut level = self.rules.get(code).copied();
        for o in &self.overrides {
            if o.patterns.iter().any(|p| glob_match(p, relative_path))
                && let Some(l) = o.rules.get(code)
            {
                level = Some(*l);
            }
        }
        match level {
            Some(l) => l.severity(),
            None => Some(default),
        }
    }

    /// Whether `code` (whose own severity is `default`) reports errors in
    /// at least one file: at the top level or in any override.
    #[must_use]
    pub fn may_report_error(&self, code: &str, default: Severity) -> bool {
        let top = self
            .rules
            .get(code)
            .map_or(Some(default), |level| level.severity());
        top == Some(Severity::Error)
            || self
                .overrides
                .iter()
                .any(|o| o.rules.get(code) == Some(&Level::Error))
    }
}

fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The range of `"code"` (or `code`) as a key in the text, or the start.
fn find_key(text: &str, code: &str) -> TextRange {
    let quoted = format!("\"{code}\"");
    text.find(&quoted)
        .map(|i| TextRange::new(offset(i), offset(i + quoted.len())))
        .or_else(|| {
            text.find(code)
                .map(|i| TextRange::new(offset(i), offset(i + code.len())))
        })
        .unwrap_or_default()
}

/// Matches `/`-separated paths against a glob with `*` (within a segment),
/// `**` (any number of segments) and `?`.
#[must_use]
pub fn glob_match(pattern: &str, path: &str) -> bool {
    fn segments(p: &[&str], s: &[&str]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(&"**"), _) => segments(&p[1..], s) || (!s.is_empty() && segments(p, &s[1..])),
            (Some(pat), Some(seg)) => {
                segment(pat.as_bytes(), seg.as_bytes()) && segments(&p[1..], &s[1..])
            }
            _ => false,
        }
    }
    fn segment(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) => segment(&p[1..], s) || (!s.is_empty() && segment(p, &s[1..])),
            (Some(b'?'), Some(_)) => segment(&p[1..], &s[1..]),
            (Some(a), Some(b)) if a == b => segment(&p[1..], &s[1..]),
            _ => false,
        }
    }
    let p: Vec<&str> = pattern.split('/').collect();
    let s: Vec<&str> = path.split('/').collect();
    segments(&p, &s)
}

/// Loads the configuration at `root`, if it has one.
#[must_use]
pub fn config_path(root: &Path) -> std::path::PathBuf {
    root.join(CONFIG_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("questions/*.yaml", "questions/1.1.yaml"));
        assert!(!glob_match("questions/*.yaml", "questions/sub/1.1.yaml"));
        assert!(glob_match("**/*.yaml", "questions/sub/1.1.yaml"));
        assert!(glob_match("questions/1.?.yaml", "questions/1.2.yaml"));
    }

    #[test]
    fn unknown_and_unconfigurable_codes_are_reported_in_place() {
        let text = "[rules]\n\"schema/type\" = \"off\"\n\"no/such-rule\" = \"warning\"\n";
        let (_, diagnostics) = Config::parse(text);
        let messages: Vec<(&str, &str)> = diagnostics
            .iter()
            .map(|d| (d.range.slice(text), d.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|(at, m)| *at == "\"no/such-rule\"" && m.contains("unknown rule code"))
        );
        assert!(
            messages
                .iter()
                .any(|(at, m)| *at == "\"schema/type\"" && m.contains("cannot be configured"))
        );
    }

    #[test]
    fn bad_toml_is_located() {
        let (_, diagnostics) = Config::parse("[rules]\nx = = 1\n");
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].range.start() >= 8);
    }
}
