import { describeError } from '#protocol'
import { createProgram } from './index.js'

// Entry point. Subcommands report typed errors themselves (typedAction); this catches the rest of the
// typed ones (e.g. raised while building options) so a user never sees a stack for a known condition.
try {
  await createProgram().parseAsync(process.argv)
} catch (err) {
  const text = describeError(err)
  if (text === undefined) throw err
  console.error(text)
  process.exitCode = 1
}
