/**
 * Our own primitive-only MJCF scenes. One scene per task family; every scene shares the table, the
 * mocap-driven hand and the cameras. Colours are part of the task contract (README): a vision policy finds
 * the object by red, the goal by green, the button by yellow, the drawer handle by blue and the
 * door handle by cyan.
 */

export type TaskFamily = 'reach' | 'push' | 'pick-place' | 'button-press' | 'drawer-close' | 'door-open'

/** A fixed camera: position, the point it looks at, vertical field of view (degrees). */
export interface SceneCamera {
  name: string
  pos: readonly [number, number, number]
  lookAt: readonly [number, number, number]
  fovy: number
}

export const SCENE_CAMERAS: readonly SceneCamera[] = [
  { name: 'corner', pos: [0.6, 0.2, 0.55], lookAt: [0, 0.75, 0.08], fovy: 45 },
  { name: 'topdown', pos: [0, 0.7, 0.85], lookAt: [0, 0.7, 0], fovy: 45 },
  { name: 'front', pos: [0, 0.05, 0.45], lookAt: [0, 0.75, 0.08], fovy: 45 },
]

/** Where the hand body starts (the mocap target); the tool centre point hangs {@link TCP_OFFSET_Z} below. */
export const HAND_INIT: readonly [number, number, number] = [0, 0.45, 0.25]
export const TCP_OFFSET_Z = -0.07
/** Box the mocap (hand body) target is clipped to. */
export const MOCAP_LOW: readonly [number, number, number] = [-0.5, 0.3, 0.05]
export const MOCAP_HIGH: readonly [number, number, number] = [0.5, 1.0, 0.5]
/** Finger travel from open (0) to closed; the actuator target overshoots it so a closed hand squeezes. */
export const FINGER_TRAVEL = 0.035
export const FINGER_CTRL_MAX = 0.04

export const OBJECT_RADIUS = 0.02
export const OBJECT_HALF_HEIGHT = 0.02
export const GOAL_RADIUS = 0.02
export const BUTTON_TRAVEL = 0.03
export const DRAWER_TRAVEL = 0.16
/** Door hinge travel (rad); negative angles swing the door toward the robot (-y). */
export const DOOR_TRAVEL = 1.6

const f = (v: readonly number[]) => v.map((x) => Number(x.toFixed(6))).join(' ')

function sub(a: readonly number[], b: readonly number[]): number[] {
  return [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!]
}
function cross(a: readonly number[], b: readonly number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!]
}
function unit(a: readonly number[]): number[] {
  const n = Math.hypot(a[0]!, a[1]!, a[2]!)
  return [a[0]! / n, a[1]! / n, a[2]! / n]
}

/** MuJoCo `xyaxes` (camera +x right, +y up, looking along -z) for a camera at `pos` facing `lookAt`. */
export function cameraXyAxes(cam: SceneCamera): number[] {
  const forward = unit(sub(cam.lookAt, cam.pos))
  // A straight-down camera has no horizon: use world +y as the image's up direction.
  const worldUp = Math.abs(forward[2]!) > 0.999 ? [0, 1, 0] : [0, 0, 1]
  const right = unit(cross(forward, worldUp))
  const up = cross(right, forward)
  return [...right, ...up]
}

function cameras(): string {
  return SCENE_CAMERAS.map(
    (c) => `<camera name="${c.name}" mode="fixed" pos="${f(c.pos)}" xyaxes="${f(cameraXyAxes(c))}" fovy="${c.fovy}"/>`,
  ).join('\n    ')
}

function hand(): string {
  const padZ = -0.05
  return `<body name="mocap" mocap="true" pos="${f(HAND_INIT)}"/>
    <body name="hand" pos="${f(HAND_INIT)}" gravcomp="1">
      <joint name="hand_x" type="slide" axis="1 0 0" damping="5"/>
      <joint name="hand_y" type="slide" axis="0 1 0" damping="5"/>
      <joint name="hand_z" type="slide" axis="0 0 1" damping="5"/>
      <geom name="palm" type="box" size="0.055 0.02 0.02" rgba="0.55 0.55 0.58 1" mass="1" contype="0" conaffinity="0"/>
      <site name="tcp" pos="0 0 ${TCP_OFFSET_Z}" size="0.005"/>
      <body name="finger_r" gravcomp="1">
        <joint name="finger_r" type="slide" axis="-1 0 0" range="0 ${FINGER_TRAVEL}" damping="20" armature="0.01"/>
        <geom name="pad_r" type="box" size="0.006 0.012 0.03" pos="0.045 0 ${padZ}" rgba="0.25 0.25 0.28 1" mass="0.1" conaffinity="3"/>
      </body>
      <body name="finger_l" gravcomp="1">
        <joint name="finger_l" type="slide" axis="1 0 0" range="0 ${FINGER_TRAVEL}" damping="20" armature="0.01"/>
        <geom name="pad_l" type="box" size="0.006 0.012 0.03" pos="-0.045 0 ${padZ}" rgba="0.25 0.25 0.28 1" mass="0.1" conaffinity="3"/>
      </body>
    </body>`
}

function props(family: TaskFamily): string {
  const goal = `<body name="goal" mocap="true" pos="0 0.85 0.1">
      <geom name="goal" type="sphere" size="${GOAL_RADIUS}" rgba="0.1 0.85 0.1 1" contype="0" conaffinity="0"/>
    </body>`
  const object = `<body name="object" pos="0 0.65 ${OBJECT_HALF_HEIGHT}">
      <freejoint name="object"/>
      <geom name="object" type="cylinder" size="${OBJECT_RADIUS} ${OBJECT_HALF_HEIGHT}" rgba="0.9 0.1 0.1 1" mass="0.1" condim="4"/>
    </body>`
  switch (family) {
    case 'reach':
      return goal
    case 'push':
    case 'pick-place':
      return `${object}\n    ${goal}`
    case 'button-press':
      // The housing's front face is at the body origin; the button sticks out toward -y and slides in (+y).
      return `<body name="button_base" pos="0 0.875 0.115">
      <geom name="button_housing" type="box" size="0.06 0.03 0.06" pos="0 0.03 0" rgba="0.3 0.3 0.32 1" contype="2" conaffinity="2"/>
      <body name="button" pos="0 -0.02 0">
        <joint name="button" type="slide" axis="0 1 0" range="0 ${BUTTON_TRAVEL}" stiffness="40" damping="2"/>
        <geom name="button" type="cylinder" size="0.025 0.02" zaxis="0 1 0" rgba="0.95 0.85 0.1 1" mass="0.05"/>
      </body>
    </body>`
    case 'drawer-close':
      // Fixtures are welded to the world, where parent-child collision filtering does not apply, so housing
      // and cabinet use collision bit 2, which only the finger pads (conaffinity 3) test against.
      return `<body name="cabinet" pos="0 0.925 0">
      <geom name="cabinet" type="box" size="0.12 0.1 0.08" pos="0 0.1 0.08" rgba="0.6 0.6 0.62 1" contype="2" conaffinity="2"/>
      <body name="drawer" pos="0 0.095 0.07">
        <joint name="drawer" type="slide" axis="0 1 0" range="-${DRAWER_TRAVEL} 0" damping="8" frictionloss="0.5"/>
        <geom name="drawer" type="box" size="0.1 0.1 0.04" rgba="0.82 0.82 0.85 1" mass="0.5"/>
        <geom name="handle" type="box" size="0.05 0.015 0.012" pos="0 -0.115 0" rgba="0.1 0.2 0.9 1" mass="0.05"/>
      </body>
    </body>`
    case 'door-open':
      // Hinge post at the body origin; the door extends along +x and its vertical handle bar stands 6 cm
      // in front of it (-y) on two stand-offs, leaving room for the fingers between them.
      return `<body name="door_base" pos="0 0.875 0">
      <geom name="door_post" type="box" size="0.015 0.015 0.12" pos="0 0 0.12" rgba="0.3 0.3 0.32 1" contype="2" conaffinity="2"/>
      <body name="door" pos="0 0 0.12">
        <joint name="door" type="hinge" axis="0 0 1" range="-${DOOR_TRAVEL} 0" damping="1" frictionloss="0.05"/>
        <geom name="door_panel" type="box" size="0.1 0.01 0.1" pos="0.115 0 0" rgba="0.6 0.25 0.8 1" mass="0.5"/>
        <geom name="handle" type="box" size="0.008 0.008 0.05" pos="0.18 -0.06 0" rgba="0.1 0.8 0.9 1" mass="0.02"/>
        <geom name="handle_top" type="box" size="0.005 0.025 0.005" pos="0.18 -0.035 0.045" rgba="0.1 0.8 0.9 1" mass="0.01"/>
        <geom name="handle_bottom" type="box" size="0.005 0.025 0.005" pos="0.18 -0.035 -0.045" rgba="0.1 0.8 0.9 1" mass="0.01"/>
      </body>
    </body>`
  }
}

/** The complete MJCF for one task family. */
export function sceneXml(family: TaskFamily): string {
  return `<mujoco model="kinitro-${family}">
  <compiler angle="radian"/>
  <option timestep="0.0025" iterations="30" solver="Newton" cone="elliptic"/>
  <default><geom friction="1 0.05 0.001" solref="0.01 1"/></default>
  <worldbody>
    ${cameras()}
    <geom name="floor" type="plane" size="3 3 0.1" pos="0 0 -0.8" rgba="0.45 0.45 0.45 1"/>
    <geom name="table" type="box" size="0.7 0.5 0.027" pos="0 0.7 -0.027" rgba="0.75 0.65 0.5 1"/>
    ${hand()}
    ${props(family)}
  </worldbody>
  <contact><exclude body1="finger_r" body2="finger_l"/></contact>
  <equality><weld body1="mocap" body2="hand" solref="0.02 1"/></equality>
  <actuator>
    <position name="finger_r" joint="finger_r" kp="1250" ctrlrange="0 ${FINGER_CTRL_MAX}"/>
    <position name="finger_l" joint="finger_l" kp="1250" ctrlrange="0 ${FINGER_CTRL_MAX}"/>
  </actuator>
</mujoco>`
}
