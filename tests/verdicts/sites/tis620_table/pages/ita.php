<!-- title: การประเมินคุณธรรมและความโปร่งใส (ITA) ประจำปีงบประมาณ พ.ศ. ๒๕๖๘ -->
<table width="100%" border="1" cellspacing="0" cellpadding="4">
<tr bgcolor="#CCE0B0"><td align="center"><b>ข้อ</b></td><td><b>รายการ</b></td><td><b>ลิงก์</b></td></tr>
<tr><td align="center">๐๑</td><td>โครงสร้าง</td><td><a href="structure.php">คลิก</a></td></tr>
<tr><td align="center">๐๒</td><td>ข้อมูลผู้บริหาร</td><td><a href="exec.php">คลิก</a></td></tr>
<tr><td align="center">๐๓</td><td>ข้อมูลการติดต่อ</td><td><a href="contact.php">คลิก</a></td></tr>
<tr><td align="center">๐๔</td><td>ข่าวประชาสัมพันธ์</td><td><a href="news.php">คลิก</a></td></tr>
<tr><td align="center">๐๕</td><td>แผนพัฒนาท้องถิ่น</td><td><a href="files/plan61-65.pdf">คลิก</a></td></tr>
<tr><td align="center">๐๖</td><td>แผนดำเนินงาน</td><td><a href="files/plan2568.pdf">คลิก</a></td></tr>
<tr><td align="center">๐๗</td><td>รายงานผลการดำเนินงานประจำปี</td><td><a href="files/report67.pdf">คลิก</a></td></tr>
<tr><td align="center">๑๐</td><td>E-Service</td><td><a href="eservice.php">คลิก</a></td></tr>
<tr><td align="center">๑๑</td><td>ข้อมูลเชิงสถิติการให้บริการ</td><td><a href="files/stat68.pdf">คลิก</a></td></tr>
<tr><td align="center">๑๖</td><td>ประมวลจริยธรรม</td><td><a href="ethics.php">คลิก</a></td></tr>
<tr><td align="center">๑๘</td><td>ช่องทางแจ้งเรื่องร้องเรียน</td><td><a href="complaint.php">คลิก</a></td></tr>
<tr><td align="center">๑๙</td><td>ข้อมูลเชิงสถิติเรื่องร้องเรียน</td><td><a href="stat19.php">คลิก</a></td></tr>
<tr><td align="center">๒๐</td><td>การเปิดโอกาสให้เกิดการมีส่วนร่วม</td><td><a href="participation.php">คลิก</a></td></tr>
<tr><td align="center">๒๑</td><td>ประกาศเจตนารมณ์ No Gift Policy</td><td><a href="files/nogift68.pdf">คลิก</a></td></tr>
<tr><td align="center">๒๒</td><td>รายงานการรับทรัพย์สิน</td><td>-</td></tr>
<tr><td align="center">๒๕</td><td>แผนปฏิบัติการป้องกันการทุจริต</td><td><a href="files/antiplan69.pdf">คลิก</a></td></tr>
<tr><td align="center">๒๖</td><td>รายงานผลการป้องกันการทุจริต</td><td><a href="anti26.php">คลิก</a></td></tr>
<tr><td align="center">๒๘</td><td>รายงานผลการส่งเสริมคุณธรรมและความโปร่งใส</td><td><a href="files/itareport68.pdf">คลิก</a></td></tr>
</table>
