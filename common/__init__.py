"""Pure rules both programs share: Vietnamese text (`vietnamese`), personal ID numbers (`idnumber`), dates
and unit names on paper (`paper`), secret hashing (`secrethash`). Standard library only; imports nothing of
desktop, province or sync.
"""
