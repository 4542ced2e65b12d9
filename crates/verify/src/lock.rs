//! The lock file, `verification/sdks.lock`: the exact SDK versions examples run against
//! (what "latest" resolved to when a package was first needed), committed so that every
//! machine verifies against the same packages.

use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    #[serde(default)]
    pub python: BTreeMap<String, String>,
    #[serde(default)]
    pub typescript: BTreeMap<String, String>,
}

impl Lock {
    pub fn load(path: &Path) -> Result<Lock, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    pub fn to_toml(&self) -> String {
        let mut text = String::from(
            "# Written by `errdex verify`: the exact SDK versions that examples are verified\n\
             # against, as \"latest\" resolved when each package was first needed. Change a\n\
             # version here (or delete its line to take the newest) and run `errdex verify`.\n",
        );
        for (table, map) in [("python", &self.python), ("typescript", &self.typescript)] {
            text.push_str(&format!("\n[{table}]\n"));
            for (name, version) in map {
                text.push_str(&format!("{} = \"{version}\"\n", key(name)));
            }
        }
        text
    }

    /// Saves the pins, keeping any that another `errdex verify` wrote to the file since
    /// this one was loaded (several runs may resolve new packages at the same time).
    pub fn save_merged(&self, path: &Path) -> Result<(), String> {
        let mut merged = Lock::load(path)?;
        for (mine, theirs) in [
            (&self.python, &mut merged.python),
            (&self.typescript, &mut merged.typescript),
        ] {
            for (k, v) in mine {
                theirs.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        merged
            .save(path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.to_toml())
    }
}

/// The lock key of a package's pin: its name, or for the pin of a range that excludes the
/// package's main pin, the name and the range (`openai>=0.27,<1`).
pub fn key_for(package: &str, range: &str) -> String {
    let range = range.replace(' ', "");
    if range.is_empty() || range == "*" {
        package.to_string()
    } else {
        format!("{package}{range}")
    }
}

/// The package a lock key pins.
pub fn package_of(key: &str) -> &str {
    let end = key
        .find(['<', '>', '=', '!', '~', '^'])
        .unwrap_or(key.len());
    &key[..end]
}

fn key(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_pin_keeps_its_package_name() {
        assert_eq!(key_for("openai", ""), "openai");
        assert_eq!(key_for("openai", "*"), "openai");
        assert_eq!(key_for("openai", ">=0.27, <1"), "openai>=0.27,<1");
        assert_eq!(package_of("openai>=0.27,<1"), "openai");
        assert_eq!(package_of("@anthropic-ai/sdk<1"), "@anthropic-ai/sdk");
        let mut lock = Lock::default();
        lock.python
            .insert(key_for("openai", ">=0.27, <1"), "0.28.1".into());
        let parsed: Lock = toml::from_str(&lock.to_toml()).unwrap();
        assert_eq!(parsed, lock);
    }

    #[test]
    fn round_trips_through_its_own_toml() {
        let mut lock = Lock::default();
        lock.python.insert("anthropic".into(), "2.12.0".into());
        lock.typescript
            .insert("@anthropic-ai/sdk".into(), "1.12.0".into());
        let parsed: Lock = toml::from_str(&lock.to_toml()).unwrap();
        assert_eq!(parsed, lock);
    }
}
