/**
 * @packageDocumentation
 * Runs episodes: built-in MuJoCo tasks and remote environment containers, the policy-server client, runtimes (local process / bubblewrap, Kubernetes), episode logs and artifact stores (folder, S3/R2).
 *
 * Nothing is exported yet: this component's surface arrives with its own issue (see README.md).
 */
export {}
