// Re-simulates (task, actions) from a JSON file in a separate process and prints the chain as one line.
import { readFileSync } from 'node:fs'
import { createToyEnvironment } from '../../../src/env/toy/index.js'
import { replayEpisode } from '../../../src/episode/replay.js'

const input = JSON.parse(readFileSync(process.argv[2] as string, 'utf8'))
const result = await replayEpisode(createToyEnvironment(), input.task, input.actions)
console.log(JSON.stringify({ chain: result }))
