import { policySuccessSuite } from './policy-success.js'

// Split over two files (balanced by episode length) so vitest runs them on two cores.
policySuccessSuite('mujoco/pick-place-v1')
policySuccessSuite('mujoco/reach-v1')
policySuccessSuite('mujoco/door-open-v1')
