"""{{name}}: your policy. server.py creates one RobotPolicy and calls it; change this file (and model/).

What act(obs) receives (see README.md for the full contract):
  obs["proprio"]         dict of lists: ee_pos [3] (tool centre point, metres), ee_quat [4] (xyzw),
                         ee_vel_lin [3], ee_vel_ang [3], gripper [1] (0 open .. 1 closed)
  obs["rgb"][camera]     server.Image: .data (bytes), .shape [H, W, 3], .dtype "uint8", .values(), .to_numpy()
  obs["depth"][camera]   server.Image, float32 [H, W, 1], metres along the optical axis (0 = nothing hit)
  obs["cam_intrinsics"][camera]  3x3 pinhole matrix; obs["cam_extrinsics"][camera]  4x4 camera-to-world
  obs["extra"]           e.g. {"task_prompt": "..."}

What act returns: {"continuous": {"ee_twist": [6 numbers], "gripper": [1 number]}} (or a flat list of those 7).
ee_twist[0:3] moves the hand (1.0 = 1 cm per step, clipped to [-1, 1]); ee_twist[3:6] is ignored by the
built-in tasks; gripper 0 = open, 1 = closed. Answer within 0.5 s; every number must be finite.

The controller below solves mujoco/reach-v1: on the first steps it finds the green goal sphere in the cameras,
then steers the hand to it. On the other tasks it only moves the hand to the green goal (push, pick-place) or
holds still: those are yours to solve.
"""

import json
import os

from vision import is_green, locate

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")
IDLE = {"continuous": {"ee_twist": [0.0] * 6, "gripper": [0.0]}}


def clip(value, low=-1.0, high=1.0):
    return max(low, min(high, value))


class RobotPolicy:
    def __init__(self):
        # The evaluator runs the policy with no network: everything it needs ships in this folder (model/).
        with open(os.path.join(MODEL_DIR, "controller.json")) as f:
            self.params = json.load(f)
        self.goal = None
        self.looks = 0
        self.loaded = True

    def is_loaded(self):
        return self.loaded

    def reset(self, task_config):
        """A new episode. task_config has env_id, env_name and task_name; never the seed or the goal."""
        self.goal = None
        self.looks = 0
        return None  # the episode id; the evaluator does not need one

    def act(self, obs):
        if self.goal is None:
            if self.looks >= self.params["max_looks"]:
                return IDLE
            self.looks += 1
            # The goal does not move during an episode: find it once, steer for the rest.
            self.goal = locate(obs, is_green, behind=self.params["goal_radius"] / 2)
            if self.goal is None:
                return IDLE
        tcp = obs["proprio"].get("ee_pos") or [0.0, 0.0, 0.0]
        gain = self.params["gain"]
        twist = [clip(gain * (g - p)) for g, p in zip(self.goal, tcp)]
        return {"continuous": {"ee_twist": twist + [0.0, 0.0, 0.0], "gripper": [0.0]}}

    def cleanup(self):
        """Called once when the server stops."""
