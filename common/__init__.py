"""Pure rules both programs share: Vietnamese text (`vietnamese`), personal ID numbers (`idnumber`), dates
and unit names on paper (`paper`), secret hashing (`secrethash`), ages (`dates`), atomic writes (`files`),
Crockford codes (`base32`), the spreadsheet formula guard (`spreadsheet`), retry waits (`backoff`), the projection of a target's date (`projection`).
Standard library only; imports nothing of desktop, province or sync.
"""
