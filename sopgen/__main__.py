from sopgen.cli import main

if __name__ == "__main__":  # guarded: spawned build workers import this module too
    main()
