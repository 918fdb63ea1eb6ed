// The hub stand-in is production code now (the devnet serves sample policies with it); tests keep their name.
export type { DevHub as HubStandin, DevHubRequest as HubRequest } from '#evaluator'
export { startDevHub as startHubStandin } from '#evaluator'
