"""EHF (Peppol BIS Billing 3.0) invoices and credit notes: the document as data
(`document`), written as UBL (`ubl`), checked against OpenPeppol's rules (`validation`)."""
