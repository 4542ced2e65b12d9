//! One module per subcommand.

pub mod check;
pub mod diagnose;
pub mod doctor;
pub mod explain;
pub mod list;
pub mod mcp;
pub mod mock;
pub mod notes;
pub mod run;
pub mod scan;
pub mod search;
pub mod serve;
pub mod verify;
