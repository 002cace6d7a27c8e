"""Pure rules both programs share: Vietnamese text (`vietnamese`), personal ID numbers (`idnumber`), secret
hashing (`secrethash`). Standard library only; imports nothing of desktop, province or sync.
"""
