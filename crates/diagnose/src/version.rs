//! SDK version ranges as sets over a fixed grid of versions, so that "does the entry's
//! range fit what the traceback shows" is one AND of two bitsets at diagnosis time.

use semver::{Version, VersionReq};

const MAJORS: u64 = 10;
const MINORS: u64 = 128;
const WORDS: usize = ((MAJORS * MINORS) as usize).div_ceil(64);

/// A set of versions `major.minor.0`, majors 0–9 and minors 0–127.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionSet([u64; WORDS]);

impl VersionSet {
    pub const ALL: VersionSet = VersionSet([u64::MAX; WORDS]);

    fn from_fn(f: impl Fn(&Version) -> bool) -> VersionSet {
        let mut bits = [0u64; WORDS];
        for major in 0..MAJORS {
            for minor in 0..MINORS {
                let i = (major * MINORS + minor) as usize;
                // Patch 0 and a high patch, so that `>=0.28.1` still contains 0.28.
                if f(&Version::new(major, minor, 0)) || f(&Version::new(major, minor, 99)) {
                    bits[i / 64] |= 1 << (i % 64);
                }
            }
        }
        VersionSet(bits)
    }

    /// The versions of a requirement such as `>=0.40, <3` (`*` and unparsable → all).
    pub fn from_req(req: &str) -> VersionSet {
        match VersionReq::parse(req.trim()) {
            Ok(req) => VersionSet::from_fn(|v| req.matches(v)),
            Err(_) => VersionSet::ALL,
        }
    }

    /// One visible version, e.g. `0.28.1`, as the grid point of its major and minor.
    pub fn exact(version: &str) -> Option<VersionSet> {
        let mut parts = version.split('.');
        let major: u64 = parts.next()?.parse().ok()?;
        let minor: u64 = parts.next().unwrap_or("0").parse().ok()?;
        if major >= MAJORS || minor >= MINORS {
            return None;
        }
        Some(VersionSet::from_fn(|v| {
            v.major == major && v.minor == minor
        }))
    }

    pub fn intersects(&self, other: &VersionSet) -> bool {
        self.0.iter().zip(other.0.iter()).any(|(a, b)| a & b != 0)
    }

    /// The newest grid version in the set, for preferring current entries when no version
    /// is visible.
    pub fn newest(&self) -> Option<(u64, u64)> {
        (0..(MAJORS * MINORS) as usize)
            .rev()
            .find(|&i| self.0[i / 64] & (1 << (i % 64)) != 0)
            .map(|i| (i as u64 / MINORS, i as u64 % MINORS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_meet_or_not() {
        let v0 = VersionSet::from_req("<1.0");
        let v1 = VersionSet::from_req(">=1.0");
        assert!(!v0.intersects(&v1));
        assert!(VersionSet::exact("0.28.1").unwrap().intersects(&v0));
        assert!(VersionSet::exact("1.3.5").unwrap().intersects(&v1));
        assert!(VersionSet::from_req(">=0.40, <3").intersects(&VersionSet::exact("2.12").unwrap()));
        assert!(VersionSet::from_req(">=0.28.1").intersects(&VersionSet::exact("0.28").unwrap()));
        assert_eq!(v1.newest(), Some((9, 127)));
    }
}
