/**
 * @packageDocumentation
 * The miner's tools: scaffold a policy server, evaluate it locally, package, upload (Hugging Face), commit the pointer on chain and watch its status.
 *
 * Nothing is exported yet: this component's surface arrives with its own issue (see README.md).
 */
export {}
