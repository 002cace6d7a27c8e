"""Background work, one module per area (`auth`, `checkin`, `peers`, `printing`, `register`, `schedule`,
`settings`, `sync`, `targets`): each `fn(...)` returns a worker function `run(job) -> Changes | OpResult`
that calls one service on the runner's thread. Start them with `app.runner.op(fn(...), parent)`."""
