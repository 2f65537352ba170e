"""``derive demo``: the main job on built-in data, with no input."""


def register(subparsers):
    p = subparsers.add_parser("demo", help="derive, compile, check and optimize a "
                              "logistic regression on built-in data")
    p.set_defaults(run=run)


def run(args) -> int:
    from derive.demo import main
    return main()
