from oitwatch.cli import main

# Guarded: a run's crawl processes start with the spawn method, which imports the parent's
# main module again (as __mp_main__); it must not start the CLI a second time.
if __name__ == "__main__":
    main()
