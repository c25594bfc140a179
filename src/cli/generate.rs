//! `vuoro completions <shell>` and `vuoro man`: shell completions and manual pages generated from the
//! same clap definition as `--help`, so they cannot drift from the flags.

use super::write::{check_out_folder, emit, write_all_atomically};
use super::Failure;
use clap::{Args, CommandFactory as _};
use clap_complete::Shell;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  vuoro completions bash > ~/.local/share/bash-completion/completions/vuoro
  vuoro completions zsh > ~/.zfunc/_vuoro
  vuoro completions fish > ~/.config/fish/completions/vuoro.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  vuoro man | man -l -
  vuoro man --out man/ && man -l man/vuoro-plan.1")]
pub(crate) struct ManArgs {
    /// Write vuoro.1 and one vuoro-<command>.1 per command into this folder instead of printing
    /// vuoro.1 to standard output.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn completions(args: &CompletionsArgs) -> Result<u8, Failure> {
    let mut command = super::Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(args.shell, &mut command, "vuoro", &mut bytes);
    emit(None, &String::from_utf8_lossy(&bytes))?;
    Ok(0)
}

pub(crate) fn man(args: &ManArgs) -> Result<u8, Failure> {
    let pages = pages()?;
    match &args.out {
        None => {
            let (_, top) = &pages[0];
            emit(None, &String::from_utf8_lossy(top))?;
        }
        Some(dir) => {
            check_out_folder(dir, &[])?;
            std::fs::create_dir_all(dir).map_err(|e| {
                Failure::input(format!("{}: cannot create the folder: {e}", dir.display()))
            })?;
            let paths: Vec<PathBuf> = pages.iter().map(|(name, _)| dir.join(name)).collect();
            let files: Vec<(&Path, &[u8])> = paths
                .iter()
                .zip(&pages)
                .map(|(p, (_, bytes))| (p.as_path(), bytes.as_slice()))
                .collect();
            write_all_atomically(&files, || Ok(()))?;
        }
    }
    Ok(0)
}

/// `vuoro.1` first, then `vuoro-<command>.1` for each command, rendered as roff.
fn pages() -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut top = super::Cli::command().disable_help_subcommand(true);
    top.build();
    let render = |command: clap::Command| {
        let man = clap_mangen::Man::new(command);
        let mut bytes = Vec::new();
        man.render(&mut bytes)
            .map_err(|e| Failure::input(format!("cannot render the manual page: {e}")))?;
        Ok::<_, Failure>((man.get_filename(), bytes))
    };
    let mut pages = vec![render(top.clone())?];
    for sub in top.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("vuoro-{}", sub.get_name());
        pages.push(render(sub.clone().display_name(name))?);
    }
    Ok(pages)
}
