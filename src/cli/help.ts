/**
 * Help text conventions of the `segaware` command: a required option says so. Commander
 * enforces `.requiredOption(...)` but prints it like any other option, so `--out` of
 * `data synth` looked optional in `--help` until the run failed.
 */
import { Help } from 'commander';
import type { Command, Option } from 'commander';

const base = new Help();

/**
 * Option description with ` (required)` appended for mandatory options (`.requiredOption`
 * or `Option.makeOptionMandatory()`), e.g. `--out <dir>  output root (required)`.
 *
 * @param option  a commander option
 * @returns the description commander would print, plus the mark when the option is mandatory
 * @example requiredAwareDescription(new Option('--out <dir>', 'output root').makeOptionMandatory()) // 'output root (required)'
 */
export function requiredAwareDescription(option: Option): string {
  const text = base.optionDescription(option);
  return option.mandatory ? `${text} (required)` : text;
}

/**
 * Applies the help conventions (required marks, global options shown) to `cmd` and every
 * subcommand below it. Commander copies
 * help settings only to subcommands made with `.command()`, not to ones attached with
 * `.addCommand()`, hence the walk.
 *
 * @param cmd  the root command, after all subcommands are attached
 * @returns `cmd`
 * @example markRequiredInHelp(buildProgram())
 */
export function markRequiredInHelp(cmd: Command): Command {
  // global options (--debug, --quiet) are listed in every subcommand's help too
  cmd.configureHelp({ optionDescription: requiredAwareDescription, showGlobalOptions: true });
  for (const sub of cmd.commands) markRequiredInHelp(sub);
  return cmd;
}
