"""A WSDL-driven client: loads the served WSDL with zeep and calls both operations.

usage: zeep_client.py WSDL_URL USER PASSWORD COMPANY_HANDLE URL [URL ...]
Prints one line per step: handle=…, status=…, fault=CODE (for a foreign URL).
"""
import sys

import zeep
import zeep.exceptions

wsdl, user, password, company, *urls = sys.argv[1:]
client = zeep.Client(wsdl)
auth = {"authHeader": {"user": user, "password": password, "appName": "zeep", "appVersion": zeep.__version__}}

accepted = client.service.cdnCacheInvalidation(companyHandle=company, urlArray={"items": urls}, _soapheaders=auth)
print(f"handle={accepted.invalidationHandle} estimatedSeconds={accepted.estimatedSeconds}")

status = client.service.getCdnCacheInvalidationStatus(invalidationHandle=accepted.invalidationHandle, _soapheaders=auth)
print(f"status={status.status} successCount={status.successCount} errorCount={status.errorCount}")

try:
    client.service.cdnCacheInvalidation(companyHandle=company, urlArray={"items": ["https://elsewhere.test/x"]}, _soapheaders=auth)
    print("fault=none")
except zeep.exceptions.Fault as fault:
    code = fault.detail.find("{http://www.scene7.com/IpsApi/xsd}ipsApiFault/{http://www.scene7.com/IpsApi/xsd}code")
    print(f"fault={code.text}")
