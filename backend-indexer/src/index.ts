/**
 * @packageDocumentation
 * An observer peer on the mesh: verifies and stores mesh traffic (SQLite, PostgreSQL at scale), recomputes scores, and serves the REST API, realtime WebSocket feeds and the live dashboard. The mesh keeps evaluating and setting weights when it is down.
 *
 * Nothing is exported yet: this component's surface arrives with its own issue (see README.md).
 */
export {}
