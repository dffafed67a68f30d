from xiangcun.cli import main

main()
