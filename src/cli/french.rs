//! clap speaks English: the help it renders and its errors are said in French here.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// `cmd` and its subcommands with French headings, help and version flags.
pub fn frenchify(cmd: Command) -> Command {
    let cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("Commandes")
        .subcommand_value_name("COMMANDE")
        .next_help_heading("Options")
        .arg(
            Arg::new("aide")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Affiche l'aide"),
        );
    let cmd = if cmd.get_version().is_some() {
        cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Affiche la version"),
        )
    } else {
        cmd
    };
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names.into_iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| frenchify(sub.disable_version_flag(true)))
    })
}

/// What clap rendered (help, usage), with the words it cannot be told in French.
pub fn translate(rendered: &str) -> String {
    rendered
        .replace("Usage:", "Utilisation :")
        // Without the space: a wrapped help line may cut just after the colon.
        .replace("[default:", "[par défaut :")
        .replace("[possible values:", "[valeurs possibles :")
        .replace("Arguments:", "Arguments :")
        .replace("Options:", "Options :")
        .replace("Commandes:", "Commandes :")
}

/// A clap error said in French: what is wrong, the usage, and where to find help.
pub fn error_text(e: &clap::Error) -> String {
    let get = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »",
            get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => format!("argument inattendu « {arg} »"),
        ErrorKind::MissingRequiredArgument => format!("argument obligatoire absent : {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "une commande est attendue".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("valeur incorrecte « {value} » pour {arg}")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour {arg}")
        }
        ErrorKind::ArgumentConflict => format!("{arg} ne va pas avec un autre argument donné"),
        ErrorKind::NoEquals => format!("{arg} attend « = » et une valeur"),
        ErrorKind::InvalidUtf8 => "argument qui n'est pas en UTF-8".to_string(),
        _ => "ligne de commande incorrecte".to_string(),
    };
    if let Some(valid) = get(ContextKind::ValidValue) {
        message.push_str(&format!(" (valeurs possibles : {valid})"));
    }
    for kind in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        if let Some(suggested) = get(kind) {
            message.push_str(&format!(" ; vouliez-vous dire « {suggested} » ?"));
        }
    }
    let usage = get(ContextKind::Usage).map_or(String::new(), |u| format!("\n\n{}", translate(&u)));
    format!(
        "erreur : {message}{usage}\n\nPour l'aide : diagterr --help (ou diagterr COMMANDE --help)"
    )
}
