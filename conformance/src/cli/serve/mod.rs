//! `hookcheck serve`: the engine behind a real HTTP server, recording what
//! it sees as fixtures; and `hookcheck replay`, which plays them back.

mod command;
mod engine;
mod http;
mod record;
mod replay;

pub(crate) use command::{ServeArgs, run};
pub(crate) use replay::{ReplayArgs, run as replay};
