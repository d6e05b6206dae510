"""The only door from the window and the command line into the core: one module per use case.

`folder` (the data folder, opening the store), `protection`, `forgetting`, `packs` (face
models), `scanning`, `enrolling`, `reviewing` (verdicts, re-matching), `previews`,
`reporting` (the evidence report and package, checking them), `takedown` (notices,
re-checks, requests) and `inspecting`. Each takes typed requests and returns typed
results; long work reports progress and honours a CancelToken from the domain.
"""
