export {
  createToyEnvironment,
  createToyEnvironmentFactory,
  TOY_POINT_REACH_ID,
  TOY_POINT_REACH_SPEC,
  TOY_SUCCESS_RADIUS,
  ToyUnstableError,
  toyExpertAction,
  toyGoal,
} from './point-reach.js'
