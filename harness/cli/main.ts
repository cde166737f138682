#!/usr/bin/env node
// podlings: check, watch, verify and grade container exercises on real engines.
import { parseArgs } from "node:util";
import { LearnerFacingError, messageOf } from "../errors.ts";
import { commands, usage } from "./commands.ts";

const argv = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: argv,
  allowPositionals: true,
  options: {
    slow: { type: "boolean" },
    provider: { type: "string" },
    context: { type: "string" },
    registry: { type: "string" },
    json: { type: "boolean" },
    out: { type: "string" },
    exercise: { type: "string", multiple: true },
    debug: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  strict: false,
});

const [name, ...rest] = positionals;
if (!name || values.help || name === "help") {
  console.log(usage);
  process.exit(name ? 0 : 1);
}
const command = commands[name];
if (!command) {
  console.error(`podlings: unknown command "${name}".\n\n${usage}`);
  process.exit(2);
}

try {
  const code = await command(rest, values as Record<string, string | boolean | string[] | undefined>);
  process.exitCode = code;
} catch (err) {
  if (err instanceof LearnerFacingError) {
    console.error(`podlings: ${err.message}`);
    if (err.hint) console.error(`  ${err.hint}`);
  } else {
    console.error(`podlings: ${messageOf(err)}`);
    if (values.debug && err instanceof Error) console.error(err.stack);
    else console.error("  (this looks like a podlings bug: rerun with --debug for the stack trace)");
  }
  process.exitCode = 1;
}
