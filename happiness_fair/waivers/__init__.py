"""Each community's waiver rules (免费规则), as data the office manages."""
