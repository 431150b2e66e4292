"""Python's suds (Debian python3-suds) in WSDL mode calls both operations of the served WSDL.

usage: suds_client.py WSDL_URL USER PASSWORD COMPANY_HANDLE FOREIGN_URL URL [URL ...]
Prints one line per step (checked by Support/LegacyClientAssert.cs):
  accepted handle=… estimatedSeconds=…
  polled status=… successCount=… errorCount=…
  foreign type=… faultcode=… element=… code=… reason=…   (FOREIGN_URL refused)
  wrongPassword type=… faultcode=… element=… code=… reason=…
"""
import sys

import suds
from suds.client import Client

wsdl, user, password, company, foreign, *urls = sys.argv[1:]
client = Client(wsdl, cache=None, timeout=30)


def auth(secret):
    header = client.factory.create("{http://www.scene7.com/IpsApi/xsd}authHeader")
    header.user = user
    header.password = secret
    header.appName = "suds"
    header.appVersion = suds.__version__
    return header


def url_array(items):
    array = client.factory.create("{http://www.scene7.com/IpsApi/xsd/2012-02-14}UrlArray")
    array.items = items
    return array


def fault_line(step, error):
    # suds maps the fault to an object: fault.detail.<element>.code / .reason
    fault = error.fault
    detail = getattr(fault, "detail", None)
    element = next((name for name, _ in detail), "none") if detail is not None else "none"
    body = getattr(detail, element, None)
    return (f"{step} type={type(error).__name__} faultcode={fault.faultcode} element={element} "
            f"code={getattr(body, 'code', 'none')} reason={getattr(body, 'reason', 'none')}")


client.set_options(soapheaders=auth(password))
accepted = client.service.cdnCacheInvalidation(companyHandle=company, urlArray=url_array(urls))
print(f"accepted handle={accepted.invalidationHandle} estimatedSeconds={accepted.estimatedSeconds}")

status = client.service.getCdnCacheInvalidationStatus(invalidationHandle=accepted.invalidationHandle)
print(f"polled status={status.status} successCount={status.successCount} errorCount={status.errorCount}")

try:
    client.service.cdnCacheInvalidation(companyHandle=company, urlArray=url_array([foreign]))
    print("foreign type=none")
except suds.WebFault as error:
    print(fault_line("foreign", error))

client.set_options(soapheaders=auth(password + "-wrong"))
try:
    client.service.getCdnCacheInvalidationStatus(invalidationHandle=accepted.invalidationHandle)
    print("wrongPassword type=none")
except suds.WebFault as error:
    print(fault_line("wrongPassword", error))
