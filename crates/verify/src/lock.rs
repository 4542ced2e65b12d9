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

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, self.to_toml())
    }
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
    fn round_trips_through_its_own_toml() {
        let mut lock = Lock::default();
        lock.python.insert("anthropic".into(), "2.12.0".into());
        lock.typescript
            .insert("@anthropic-ai/sdk".into(), "1.12.0".into());
        let parsed: Lock = toml::from_str(&lock.to_toml()).unwrap();
        assert_eq!(parsed, lock);
    }
}
