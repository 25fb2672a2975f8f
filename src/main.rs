//! strongroom: parse the command line, start logging, run the console or a headless subcommand.
// The binary reports fatal start-up errors on stderr before (or instead of) the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;

use strongroom::app::AppInit;
use strongroom::cli::{Cli, Sub};
use strongroom::config::{self, Env, Settings};
use strongroom::keymap::Keymap;
use strongroom::theme::ThemeRegistry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `completions` and `man` print what clap knows, before any runtime, config or log file.
    if let Some(code) = strongroom::cli_extras::run(&cli) {
        return code;
    }
    let env = Env::from_process();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("strongroom: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let log_level = cli.log_level.clone().or_else(|| env.get("STRONGROOM_LOG"));
    let _log_guard = match strongroom::logging::init(log_level.as_deref(), &config::state_dir(&env))
    {
        Ok(g) => g,
        Err(e) => {
            eprintln!("strongroom: {e}");
            return ExitCode::from(1);
        }
    };

    match cli.command.clone() {
        Some(Sub::Status {
            format,
            all_contexts,
        }) => {
            let settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            // Said once, before the report: an exposed or missing token, unreadable files.
            for w in &settings.warnings {
                eprintln!("strongroom: warning: {w}");
            }
            let code = if all_contexts {
                let contexts = if settings.contexts.is_empty() {
                    vec![settings.profile.clone()]
                } else {
                    settings.contexts.clone()
                };
                runtime.block_on(strongroom::headless::fleet::status_all(&contexts, format))
            } else {
                runtime.block_on(strongroom::headless::status(&settings.profile, format))
            };
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Kv { action }) => {
            let settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            for w in &settings.warnings {
                eprintln!("strongroom: warning: {w}");
            }
            let code = runtime.block_on(strongroom::headless::kv_find::run(
                &settings.profile,
                action,
            ));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Tokens { action }) => {
            let settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            for w in &settings.warnings {
                eprintln!("strongroom: warning: {w}");
            }
            let code = runtime.block_on(strongroom::headless::tokens::run(
                &settings.profile,
                cli.read_only,
                action,
            ));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Expiring { within, format }) => {
            let settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            for w in &settings.warnings {
                eprintln!("strongroom: warning: {w}");
            }
            let code = runtime.block_on(strongroom::headless::expiring::run(
                &settings.profile,
                &settings.rotation,
                &within,
                format,
            ));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Leases { action }) => {
            let settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            for w in &settings.warnings {
                eprintln!("strongroom: warning: {w}");
            }
            let code = runtime.block_on(strongroom::headless::leases_ls::run(
                &settings.profile,
                action,
            ));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Audit { action }) => {
            // Only `--value-stdin` needs a server: a bad or missing config is reported then.
            let profile = config::load(&cli, &env).map(|s| s.profile);
            let code = runtime.block_on(strongroom::headless::audit::run(profile, *action));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Runbook { action }) => {
            // Files only: no server, no config file.
            let code = strongroom::headless::runbook::run(action, &env);
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Sandbox {
            action: Some(action),
        }) => {
            let code = runtime.block_on(strongroom::sandbox::run_action(action));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Some(Sub::Sandbox { action: None }) => {
            let mut settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            let profile = match runtime.block_on(strongroom::sandbox::up()) {
                Ok(p) => p,
                Err(e) => return fail(&e.to_string()),
            };
            let mut profile = profile;
            profile.read_only |= cli.read_only;
            settings.contexts.retain(|c| c.context != profile.context);
            settings.contexts.insert(0, profile.clone());
            settings.profile = profile;
            console(&runtime, &cli, &env, settings)
        }
        Some(Sub::Completions { .. } | Sub::Man) => ExitCode::SUCCESS, // printed above
        None => {
            let settings = match config::load(&cli, &env) {
                Ok(s) => s,
                Err(e) => return fail(&e.to_string()),
            };
            console(&runtime, &cli, &env, settings)
        }
    }
}

fn console(
    runtime: &tokio::runtime::Runtime,
    cli: &Cli,
    env: &Env,
    settings: Settings,
) -> ExitCode {
    let no_color = env.get("NO_COLOR").is_some_and(|v| !v.is_empty());
    let themes = ThemeRegistry::load(Some(&config::config_dir(env).join("themes")), no_color);
    let (keymap, key_warnings) = Keymap::load(Some(&config::config_dir(env).join("keymap.toml")));
    let mut warnings = settings.warnings.clone();
    warnings.extend(themes.warnings().iter().cloned());
    warnings.extend(key_warnings);
    let init = AppInit {
        profile: settings.profile.clone(),
        contexts: settings.contexts.clone(),
        theme: settings.theme.clone(),
        themes,
        keymap,
        poll_interval: settings.poll_interval,
        force_read_only: cli.read_only,
        warnings,
        now: chrono::Utc::now(),
    };
    let dirs = strongroom::runtime::RunbookDirs {
        config_dir: config::config_dir(env),
        state_dir: config::state_dir(env),
    };
    match runtime.block_on(strongroom::runtime::run_console_start(
        init,
        settings.clipboard,
        settings.rotation.clone(),
        settings.audit.clone(),
        dirs,
        strongroom::runtime::StartOptions {
            log_max_lines: settings.log_max_lines,
            fleet: cli.fleet,
        },
    )) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("terminal error: {e}")),
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("strongroom: {msg}");
    ExitCode::from(1)
}
