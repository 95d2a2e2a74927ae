"""Entry point: `llmtutor` and `python -m llmtutor`."""


def main() -> None:
    from llmtutor.cli.app import run

    run()


if __name__ == "__main__":
    main()
