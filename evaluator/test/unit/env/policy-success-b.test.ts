import { policySuccessSuite } from './policy-success.js'

// Split over two files (balanced by episode length) so vitest runs them on two cores.
policySuccessSuite('mujoco/push-v1')
policySuccessSuite('mujoco/button-press-v1')
policySuccessSuite('mujoco/drawer-close-v1')
