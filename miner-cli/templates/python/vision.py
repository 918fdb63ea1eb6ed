"""Where is the coloured thing? Finds an object by colour in the RGB cameras and turns its pixels into a world
position with the depth image and the camera matrices. Standard library only.

The built-in tasks paint their parts in fixed colours: goal green, object red, button yellow, drawer handle
blue, door handle cyan. Object positions are never in proprio, so a policy must see them.
"""


def is_green(r, g, b):
    return g > 100 and g > 1.6 * r and g > 1.6 * b


def is_red(r, g, b):
    return r > 100 and r > 1.8 * g and r > 1.8 * b


def locate(obs, matches, behind=0.0, min_pixels=4):
    """World position [x, y, z] (metres) of what `matches(r, g, b)` picks in the images, or None.

    Uses the camera that sees most of it. For a pixel (u, v) with depth z (metres along the optical axis), the
    point in camera coordinates is ((u - cx) z / fx, (v - cy) z / fy, z); cam_extrinsics maps camera to world.
    The map is affine, so the mean of the transformed points is the transformed mean: average first.

    The pixels show only the surface facing the camera; `behind` moves the result that far further along the
    viewing ray. For a sphere of radius r, the visible half's centroid sits r/2 in front of the centre.
    """
    best = None
    for name, rgb in obs["rgb"].items():
        depth = obs["depth"].get(name)
        k = obs["cam_intrinsics"].get(name)
        e = obs["cam_extrinsics"].get(name)
        if depth is None or k is None or e is None:
            continue
        width = rgb.shape[1]
        pixels = rgb.data  # bytes: r, g, b, r, g, b, ...
        z_of = depth.values()
        sum_x = sum_y = sum_z = 0.0
        count = 0
        for i in range(len(z_of)):
            z = z_of[i]
            if z <= 0.0:  # the ray hit nothing
                continue
            o = 3 * i
            if not matches(pixels[o], pixels[o + 1], pixels[o + 2]):
                continue
            v, u = divmod(i, width)
            sum_x += (u - k[0][2]) * z / k[0][0]
            sum_y += (v - k[1][2]) * z / k[1][1]
            sum_z += z
            count += 1
        if count >= min_pixels and (best is None or count > best[0]):
            best = (count, (sum_x / count, sum_y / count, sum_z / count), e)
    if best is None:
        return None
    _, (x, y, z), e = best
    scale = 1.0 + behind / ((x * x + y * y + z * z) ** 0.5)
    x, y, z = x * scale, y * scale, z * scale
    return [e[row][0] * x + e[row][1] * y + e[row][2] * z + e[row][3] for row in range(3)]

