from commentariat.cli import main

main()
