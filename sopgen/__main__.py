from sopgen.entry import run

if __name__ == "__main__":  # guarded: spawned build workers import this module too
    run()
