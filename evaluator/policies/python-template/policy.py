"""Your policy. Replace load_model() and act(); server.py calls them.

obs (what act receives):
  obs["proprio"]        dict of lists: ee_pos [3] (m), ee_quat [4] (xyzw), ee_vel_lin [3], ee_vel_ang [3],
                        gripper [1] (0 open .. 1 closed)
  obs["rgb"][camera]    uint8 image [H, W, 3] (a numpy array if numpy is installed, else server.Image with
                        .data bytes, .shape, .dtype and .tolist())
  obs["depth"][camera]  float32 image [H, W, 1] in metres, same types
  obs["cam_intrinsics"][camera]  3x3 pinhole matrix; obs["cam_extrinsics"][camera]  4x4 camera-to-world
  obs["extra"]          free-form, e.g. a language instruction

act returns either a dict {"continuous": {"ee_twist": [6 numbers], "gripper": [1 number]}} or a flat list of
7 numbers (ee_twist then gripper). Values are in [-1, 1] (gripper [0, 1]); the environment clips the rest.
The answer must arrive within 0.5 s of the request, and /reset within 5 s.
"""

MODEL = None


def load_model():
    """Load weights from files shipped next to this one (the policy has no network at evaluation time)."""
    global MODEL
    MODEL = "zero-policy"


def reset(task_config):
    """A new episode starts. task_config has env_id, env_name and task_name (never the seed)."""


def act(obs):
    """The default moves nowhere with the gripper open: a valid answer that never succeeds."""
    return {"continuous": {"ee_twist": [0.0] * 6, "gripper": [0.0]}}
