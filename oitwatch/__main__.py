from oitwatch.cli import main

main()
