//! Isolated SDK environments, created on first use and kept in a cache: a Python
//! virtualenv per package and version (`<cache>/venvs/<pkg>-<version>`) and an npm folder
//! per package and version (`<cache>/npm/<pkg>-<version>`, with `tsx` to run TypeScript).
//! The cache is `$ERRDEX_CACHE_DIR`, else `$XDG_CACHE_HOME/errdex`, else `~/.cache/errdex`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The version of `tsx` installed beside each TypeScript SDK.
pub const TSX_VERSION: &str = "4.23.15";

#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error("cannot install {what}: {registry} could not be reached or has no such package ({detail})\n  errdex verify installs each SDK once into {cache}; check the package name, the network and the proxy settings ({hint}), then run it again")]
    Registry {
        registry: &'static str,
        what: String,
        detail: String,
        cache: String,
        hint: &'static str,
    },
    #[error("cannot set up {what}: {detail}")]
    Setup { what: String, detail: String },
}

#[derive(Debug, Clone)]
pub struct PythonEnv {
    pub dir: PathBuf,
    pub python: PathBuf,
    /// `Python 3.11.7`
    pub runtime: String,
    /// The base interpreter's prefix, to normalise its paths in tracebacks.
    pub base_prefix: String,
}

#[derive(Debug, Clone)]
pub struct NodeEnv {
    pub dir: PathBuf,
    /// `Node v20.20.2`
    pub runtime: String,
}

pub struct Envs {
    root: PathBuf,
    python: String,
    busy: Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>,
}

pub fn default_cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("ERRDEX_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("errdex");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".cache/errdex")
}

/// The folder name of a package: `@anthropic-ai/sdk` → `_anthropic-ai-sdk`.
pub fn folder_name(package: &str, version: &str) -> String {
    format!("{}-{version}", package.replace('@', "_").replace('/', "-"))
}

const READY: &str = ".errdex-ready";

impl Envs {
    pub fn new(root: PathBuf) -> Envs {
        Envs {
            root,
            python: std::env::var("ERRDEX_PYTHON").unwrap_or_else(|_| "python3".into()),
            busy: Mutex::new(HashMap::new()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn python_dir(&self, package: &str, version: &str) -> PathBuf {
        self.root.join("venvs").join(folder_name(package, version))
    }

    pub fn node_dir(&self, package: &str, version: &str) -> PathBuf {
        self.root.join("npm").join(folder_name(package, version))
    }

    /// One creator per folder at a time (jobs run in parallel).
    fn guard(&self, dir: &Path) -> Arc<Mutex<()>> {
        self.busy
            .lock()
            .expect("env lock")
            .entry(dir.to_path_buf())
            .or_default()
            .clone()
    }

    /// The virtualenv with `package==version`, created on first use.
    pub fn python(&self, package: &str, version: &str) -> Result<PythonEnv, EnvError> {
        let dir = self.python_dir(package, version);
        let guard = self.guard(&dir);
        let _held = guard.lock().expect("env guard");
        let python = dir.join("bin/python");
        if !dir.join(READY).exists() {
            let what = format!("{package}=={version} (PyPI)");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.parent().unwrap_or(&dir)).map_err(|e| setup(&what, e))?;
            run(
                Command::new(&self.python).arg("-m").arg("venv").arg(&dir),
                &what,
            )?;
            let out = run(
                Command::new(&python)
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--disable-pip-version-check",
                        "--quiet",
                    ])
                    .arg(format!("{package}=={version}")),
                &what,
            );
            if let Err(e) = out {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(self.registry_or(e, "PyPI", &what, "PIP_INDEX_URL, HTTPS_PROXY"));
            }
            std::fs::write(dir.join(READY), "").map_err(|e| setup(&what, e))?;
        }
        let info = run(
            Command::new(&python).args([
                "-c",
                "import sys, platform; print(platform.python_version()); print(sys.base_prefix)",
            ]),
            "the virtualenv's python",
        )?;
        let mut lines = info.lines();
        Ok(PythonEnv {
            runtime: format!("Python {}", lines.next().unwrap_or("?")),
            base_prefix: lines.next().unwrap_or("").to_string(),
            python,
            dir,
        })
    }

    /// The npm folder with `package@version` and tsx, created on first use.
    pub fn node(&self, package: &str, version: &str) -> Result<NodeEnv, EnvError> {
        let dir = self.node_dir(package, version);
        let guard = self.guard(&dir);
        let _held = guard.lock().expect("env guard");
        let what = format!("{package}@{version} (npm)");
        if !dir.join(READY).exists() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).map_err(|e| setup(&what, e))?;
            std::fs::write(
                dir.join("package.json"),
                "{\"private\": true, \"type\": \"module\"}\n",
            )
            .map_err(|e| setup(&what, e))?;
            let out = run(
                Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund", "--silent"])
                    .arg(format!("{package}@{version}"))
                    .arg(format!("tsx@{TSX_VERSION}"))
                    .current_dir(&dir),
                &what,
            );
            if let Err(e) = out {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(self.registry_or(
                    e,
                    "the npm registry",
                    &what,
                    "npm config get registry, HTTPS_PROXY",
                ));
            }
            std::fs::write(dir.join(READY), "").map_err(|e| setup(&what, e))?;
        }
        let version = run(Command::new("node").arg("--version"), "node")?;
        Ok(NodeEnv {
            dir,
            runtime: format!("Node {}", version.trim()),
        })
    }

    /// What "latest" means for a PyPI package today: pip's own resolution (so that a
    /// release whose dependencies cannot be installed yields the newest that can).
    pub fn python_latest(&self, package: &str) -> Result<String, EnvError> {
        self.python_newest(package, "")
    }

    /// The newest version of `package` within `range` (a Python specifier such as
    /// `>=0.27, <1`; empty for any), as pip resolves it.
    pub fn python_newest(&self, package: &str, range: &str) -> Result<String, EnvError> {
        let requirement = format!("{package}{}", range.replace(' ', ""));
        let what = format!("{requirement} (PyPI)");
        let report = run(
            Command::new(&self.python).args([
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--disable-pip-version-check",
                "--report",
                "-",
                &requirement,
            ]),
            &what,
        )
        .map_err(|e| self.registry_or(e, "PyPI", &what, "PIP_INDEX_URL, HTTPS_PROXY"))?;
        let json: serde_json::Value =
            serde_json::from_str(&report).map_err(|e| EnvError::Setup {
                what: what.clone(),
                detail: format!("pip's report is not JSON: {e}"),
            })?;
        let norm = |s: &str| s.to_ascii_lowercase().replace('_', "-");
        json["install"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["metadata"]["name"].as_str().map(norm) == Some(norm(package)))
            .and_then(|i| i["metadata"]["version"].as_str())
            .map(str::to_string)
            .ok_or(EnvError::Setup {
                what,
                detail: "pip resolved no version".into(),
            })
    }

    pub fn npm_latest(&self, package: &str) -> Result<String, EnvError> {
        self.npm_newest(package, "")
    }

    /// The newest version of `package` within `range` (written the Python way, `>=3,
    /// <4`, as the fences are; npm reads the same bounds joined by spaces).
    pub fn npm_newest(&self, package: &str, range: &str) -> Result<String, EnvError> {
        let spec = if range.trim().is_empty() {
            package.to_string()
        } else {
            let bounds: Vec<&str> = range.split(',').map(str::trim).collect();
            format!("{package}@{}", bounds.join(" "))
        };
        let what = format!("{spec} (npm)");
        run(
            Command::new("npm").args(["view", &spec, "version", "--json"]),
            &what,
        )
        .and_then(|out| {
            // One version prints a JSON string; several, an array in ascending order.
            let json: serde_json::Value =
                serde_json::from_str(out.trim()).map_err(|e| EnvError::Setup {
                    what: what.clone(),
                    detail: format!("npm's answer is not JSON: {e}"),
                })?;
            json.as_str()
                .or_else(|| json.as_array().and_then(|a| a.last()?.as_str()))
                .map(str::to_string)
                .ok_or_else(|| EnvError::Setup {
                    what: what.clone(),
                    detail: "npm knows no version in that range".into(),
                })
        })
        .map_err(|e| {
            self.registry_or(
                e,
                "the npm registry",
                &what,
                "npm config get registry, HTTPS_PROXY",
            )
        })
    }

    fn registry_or(
        &self,
        e: EnvError,
        registry: &'static str,
        what: &str,
        hint: &'static str,
    ) -> EnvError {
        match e {
            EnvError::Setup { detail, .. } if unreachable(&detail) => EnvError::Registry {
                registry,
                what: what.to_string(),
                detail: last_line(&detail),
                cache: self.root.display().to_string(),
                hint,
            },
            other => other,
        }
    }
}

/// Whether a pip/npm failure says the registry could not be reached.
fn unreachable(output: &str) -> bool {
    [
        "Failed to establish a new connection",
        "Temporary failure in name resolution",
        "Name or service not known",
        "Could not fetch URL",
        // pip with an unreachable index (or an unknown name) finds no version at all.
        "(from versions: none)",
        "E404",
        "ConnectionError",
        "ENOTFOUND",
        "ECONNREFUSED",
        "ETIMEDOUT",
        "EAI_AGAIN",
        "network request",
        "Network is unreachable",
        "timed out",
    ]
    .iter()
    .any(|m| output.contains(m))
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

fn setup(what: &str, e: std::io::Error) -> EnvError {
    EnvError::Setup {
        what: what.to_string(),
        detail: e.to_string(),
    }
}

/// Runs a setup command; its stdout on success, stderr and stdout as the error.
fn run(command: &mut Command, what: &str) -> Result<String, EnvError> {
    let out = command.output().map_err(|e| EnvError::Setup {
        what: what.to_string(),
        detail: format!("{:?}: {e}", command.get_program()),
    })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(EnvError::Setup {
            what: what.to_string(),
            detail: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            )
            .trim()
            .to_string(),
        })
    }
}
